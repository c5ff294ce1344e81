using BenchmarkDotNet.Attributes;
using LayeredPrefill.Benchmarks.Config;
using LayeredPrefill.Execution;
using LayeredPrefill.Kernels;
using LayeredPrefill.Models;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Benchmarks.Suites;

/// <summary>
/// One MoE layer (router + routed experts + attention) of the tiny-moe shape on real kernels, for a
/// batch of N prompt tokens, on every backend this machine has. More tokens touch more distinct
/// experts until all are loaded: the per-token cost falls as the expert weights are shared.
/// </summary>
[BenchmarkCategory(Categories.Kernels)]
public class ExpertFfn
{
    private const int RequestId = 1;

    [Params(1, 16, 128, 512)]
    public int Tokens { get; set; }

    [ParamsSource(nameof(Backends))]
    public string Backend { get; set; } = "simd";

    public static IEnumerable<string> Backends() => KernelBackends.Available();

    private RepeatedIteration? _iteration;
    private IterationPlan? _plan;

    [GlobalSetup]
    public void Setup()
    {
        var model = ModelCatalog.Get("tiny-moe").WithLayers(1);
        _iteration = new RepeatedIteration(new KernelExecutor(model, new EngineOptions(Backend, Seed: 1, KvBlocks: 64, MaxPositions: 1024)), RequestId);
        // No emitted token: the LM head is not part of the expert FFN.
        _plan = new IterationPlan(0, model.Layers, [], [new PrefillEntry(RequestId, 0, Tokens, LayerRange.All(model.Layers), false)], []);
    }

    [Benchmark]
    public IterationCost Layer() => _iteration!.Run(_plan!);

    [GlobalCleanup]
    public void Cleanup()
    {
        _iteration?.WriteMetrics(this, typeof(ExpertFfn), nameof(Layer));
        _iteration?.Dispose();
    }
}

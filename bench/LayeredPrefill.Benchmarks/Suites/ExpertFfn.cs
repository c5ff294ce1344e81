using BenchmarkDotNet.Attributes;
using LayeredPrefill.Benchmarks.Config;
using LayeredPrefill.Benchmarks.Metrics;
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

    private KernelExecutor? _executor;
    private IterationPlan? _plan;
    private IterationCost? _last;

    [GlobalSetup]
    public void Setup()
    {
        var model = ModelCatalog.Get("tiny-moe").WithLayers(1);
        _executor = new KernelExecutor(model, new EngineOptions(Backend, Seed: 1, KvBlocks: 64, MaxPositions: 1024));
        // No emitted token: the LM head is not part of the expert FFN.
        _plan = new IterationPlan(0, model.Layers, [], [new PrefillEntry(RequestId, 0, Tokens, LayerRange.All(model.Layers), false)], []);
    }

    [Benchmark]
    public IterationCost Layer()
    {
        for (int i = 1; i < PlantedSlowdown.Factor; i++) Once();
        return _last = Once();
    }

    private IterationCost Once()
    {
        var cost = _executor!.Execute(_plan!);
        _executor.Release(RequestId, preempted: false);
        return cost;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_last is { Layers: { Count: > 0 } layers })
            BenchmarkParameters.WriteMetrics(this, typeof(ExpertFfn), nameof(Layer), KernelMetrics.From(_last, layers));
        _executor?.Dispose();
    }
}

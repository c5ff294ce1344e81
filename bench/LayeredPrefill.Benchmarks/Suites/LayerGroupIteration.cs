using BenchmarkDotNet.Attributes;
using LayeredPrefill.Benchmarks.Config;
using LayeredPrefill.Execution;
using LayeredPrefill.Kernels;
using LayeredPrefill.Models;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Benchmarks.Suites;

/// <summary>
/// One iteration of chunked vs layered prefill on real kernels (tiny-moe, 4 layers), for the same
/// decode batch (8 requests at 64 tokens of context) and the same 256-token prompt. Chunked runs a
/// 64-token chunk through all 4 layers; layered runs the whole prompt through one layer group of 1
/// layer (G = 4): the same prompt-token × layer work, but layered loads one layer's experts, not four.
/// </summary>
[BenchmarkCategory(Categories.Kernels)]
public class LayerGroupIteration
{
    private const int DecodeRequests = 8;
    private const int DecodeContextTokens = 64;
    private const int PromptTokens = 256;
    private const int Groups = 4;
    private const int PromptRequest = 1000;

    [ParamsSource(nameof(Backends))]
    public string Backend { get; set; } = "simd";

    public static IEnumerable<string> Backends() => KernelBackends.Available();

    private RepeatedIteration? _iteration;
    private IterationPlan? _chunked;
    private IterationPlan? _layered;
    private string? _lastMethod;

    [GlobalSetup]
    public void Setup()
    {
        var model = ModelCatalog.Get("tiny-moe");
        int layers = model.Layers;
        var all = LayerRange.All(layers);
        _iteration = new RepeatedIteration(new KernelExecutor(model, new EngineOptions(Backend, Seed: 1, KvBlocks: 128, MaxPositions: 1024)), PromptRequest);
        // Prefill the decode batch once, so every measured iteration finds the same KV context.
        for (int r = 0; r < DecodeRequests; r++)
            _iteration.Executor.Execute(new IterationPlan(r, layers, [], [new PrefillEntry(r, 0, DecodeContextTokens, all, true)], []));
        var decodes = Enumerable.Range(0, DecodeRequests).Select(r => new DecodeEntry(r, DecodeContextTokens)).ToArray();
        _chunked = new IterationPlan(0, layers, decodes, [new PrefillEntry(PromptRequest, 0, PromptTokens / Groups, all, false)], []);
        _layered = new IterationPlan(0, layers, decodes, [new PrefillEntry(PromptRequest, 0, PromptTokens, new LayerRange(0, layers / Groups), false)], []);
    }

    [Benchmark(Baseline = true)]
    public IterationCost Chunked() => Run(_chunked!, nameof(Chunked));

    [Benchmark]
    public IterationCost Layered() => Run(_layered!, nameof(Layered));

    private IterationCost Run(IterationPlan plan, string method)
    {
        _lastMethod = method;
        return _iteration!.Run(plan);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_lastMethod is not null) _iteration?.WriteMetrics(this, typeof(LayerGroupIteration), _lastMethod);
        _iteration?.Dispose();
    }
}

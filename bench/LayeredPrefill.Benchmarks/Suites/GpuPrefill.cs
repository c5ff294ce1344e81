using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using LayeredPrefill.Benchmarks.Config;
using LayeredPrefill.Benchmarks.Metrics;
using LayeredPrefill.Execution;
using LayeredPrefill.Kernels;
using LayeredPrefill.Kernels.Scenarios;
using LayeredPrefill.Models;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Benchmarks.Suites;

/// <summary>
/// One prompt's whole prefill on the bf16 GPU executor at full Qwen3-30B-A3B size (48 layers, tensor cores), chunked-512
/// (the baseline) against layered with the adaptive group count (16 for 8192 tokens, 4 for 2048: as many iterations as
/// chunked), while 0, 32 or 128 running decodes (2048 tokens of context each) take a token in every iteration. One
/// operation is every iteration of the prompt, so the Ratio column is layered's cost for the same work; Mean / Iterations
/// is the time of one iteration. Runs only where a CUDA GPU is (no case otherwise), in process (the GPU machine has no SDK).
/// </summary>
[BenchmarkCategory(Categories.Gpu)]
[Config(typeof(GpuConfig))]
public class GpuPrefill
{
    private const int ChunkBudget = 512;
    private const int MaxDecodes = 128;
    private const int DecodeContextTokens = 2048;

    /// <summary>In process, one invocation per iteration: an operation is tens to hundreds of milliseconds.</summary>
    public sealed class GpuConfig : ManualConfig
    {
        public GpuConfig() => AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(2).WithIterationCount(8).WithInvocationCount(1).WithUnrollFactor(1).WithId("Gpu"));
    }

    [ParamsSource(nameof(Backends))]
    public string Backend { get; set; } = BackendRegistry.Cuda;

    [Params(8192, 2048)]
    public int PromptTokens { get; set; }

    [Params(0, 32, 128)]
    public int Decodes { get; set; }

    public static IEnumerable<string> Backends() => KernelBackends.Available().Where(b => b == BackendRegistry.Cuda);

    // The 61 GB model and the prefilled decodes are built once per process and shared by every case: building them per
    // case (BenchmarkDotNet calls GlobalSetup once per case) would spend minutes of GPU time drawing the same weights.
    private static KernelExecutor? s_executor;
    private static DecodeEntry[] s_decodes = [];

    private IReadOnlyList<IterationPlan> _chunked = [], _layered = [];
    private Dictionary<string, double>? _metrics;

    [GlobalSetup]
    public void Setup()
    {
        var model = ModelCatalog.Get("qwen3-30b-a3b");
        if (s_executor is null)
        {
            int kvBlocks = MaxDecodes * (DecodeContextTokens / IterationBatch.BlockTokens + 2) + 8192 / IterationBatch.BlockTokens + 16;
            s_executor = new KernelExecutor(model, new EngineOptions(Backend, Seed: 0, kvBlocks, MaxPositions: 8192 + 16));
            s_decodes = IterationScenarios.PrepareDecodes(s_executor, MaxDecodes, DecodeContextTokens, 8192);
        }
        var decodes = s_decodes[..Decodes];
        _chunked = IterationScenarios.Chunked(model.Layers, PromptTokens, ChunkBudget, decodes);
        _layered = IterationScenarios.LayeredAdaptive(model, PromptTokens, decodes);
    }

    [Benchmark(Baseline = true)]
    public double Chunked() => Run(_chunked);

    [Benchmark]
    public double Layered() => Run(_layered);

    private double Run(IReadOnlyList<IterationPlan> plans)
    {
        var costs = IterationScenarios.RunPrompt(s_executor!, plans);
        _metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [DomainMetrics.ExpertGb.Id] = costs.Sum(c => c.Traffic.ExpertWeightBytes) / 1e9,
            [DomainMetrics.KernelMbPerIteration.Id] = costs.Average(c => c.Traffic.TotalBytes) / 1e6,
            [DomainMetrics.OperationIterations.Id] = costs.Count,
            [DomainMetrics.Joules.Id] = costs.Sum(c => c.EnergyJoules),
            [DomainMetrics.MoeMs.Id] = costs.Sum(c => c.Layers?.Sum(l => l.MoeSeconds) ?? 0) * 1000,
        };
        return costs.Sum(c => c.DurationSeconds);
    }

    [GlobalCleanup(Targets = [nameof(Chunked)])]
    public void CleanupChunked() => Write(nameof(Chunked));

    [GlobalCleanup(Targets = [nameof(Layered)])]
    public void CleanupLayered() => Write(nameof(Layered));

    private void Write(string method)
    {
        if (_metrics is not null) BenchmarkParameters.WriteMetrics(this, typeof(GpuPrefill), method, _metrics);
    }
}

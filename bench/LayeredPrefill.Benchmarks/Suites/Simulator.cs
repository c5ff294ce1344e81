using BenchmarkDotNet.Attributes;
using LayeredPrefill.Benchmarks.Config;
using LayeredPrefill.Benchmarks.Metrics;
using LayeredPrefill.Experiments;

namespace LayeredPrefill.Benchmarks.Suites;

/// <summary>
/// Simulator throughput: how many scheduler + roofline + clock iterations per wall-clock second the
/// serving loop sustains as the workload grows (ShareGPT, decode-heavy, so iterations dominate).
/// The "Iter/s" column is the simulated iterations of one run over the measured mean time; the memory columns say what a run
/// allocates (the per-request token times and the iteration log dominate).
/// </summary>
[BenchmarkCategory(Categories.Simulator)]
[MemoryDiagnoser]
public class Simulator
{
    [Params(50, 200)]
    public int Requests { get; set; }

    [Params("chunked", "layered")]
    public string Policy { get; set; } = "";

    private ExperimentSpec? _spec;
    private RunReport? _last;

    [GlobalSetup]
    public void Setup() => _spec = ServingScenario.Spec("qwen3-30b-a3b", "sharegpt", Policy, Requests);

    [Benchmark]
    public RunReport Simulate()
    {
        for (int i = 1; i < PlantedSlowdown.Factor; i++) ExperimentRunner.Run(_spec!);
        return _last = ExperimentRunner.Run(_spec!);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_last is null) return;
        var values = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [DomainMetrics.Iterations.Id] = _last.Metrics.Iterations,
            [DomainMetrics.MbPerIteration.Id] = _last.Metrics.BytesPerIteration / 1e6,
        };
        BenchmarkParameters.WriteMetrics(this, typeof(Simulator), nameof(Simulate), values);
    }
}

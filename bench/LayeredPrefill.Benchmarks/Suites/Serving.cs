using BenchmarkDotNet.Attributes;
using LayeredPrefill.Benchmarks.Config;
using LayeredPrefill.Benchmarks.Metrics;
using LayeredPrefill.Experiments;

namespace LayeredPrefill.Benchmarks.Suites;

/// <summary>
/// A whole simulated serving run (roofline executor) per model × embedded trace × policy. The time
/// column is what the simulation costs; the domain columns are what it predicts (TTFT, ITL, SLO,
/// expert traffic, energy), which are deterministic and held exactly by the regression gate.
/// </summary>
[BenchmarkCategory(Categories.Serving)]
public class Serving
{
    /// <summary>Requests per run: enough for a p99, few enough that one run takes well under a second.</summary>
    public const int Requests = 100;

    [Params("qwen3-30b-a3b", "gpt-oss-20b")]
    public string Model { get; set; } = "";

    [Params("arxiv-long", "arxiv", "sharegpt")]
    public string Trace { get; set; } = "";

    [Params("chunked", "layered", "prefill-first")]
    public string Policy { get; set; } = "";

    private ExperimentSpec? _spec;
    private RunReport? _last;

    [GlobalSetup]
    public void Setup() => _spec = ServingScenario.Spec(Model, Trace, Policy, Requests);

    [Benchmark]
    public RunReport Run()
    {
        for (int i = 1; i < PlantedSlowdown.Factor; i++) ExperimentRunner.Run(_spec!);
        return _last = ExperimentRunner.Run(_spec!);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_last is not null) BenchmarkParameters.WriteMetrics(this, typeof(Serving), nameof(Run), DomainMetrics.FromServing(_last.Metrics));
    }
}

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LayeredPrefill.Benchmarks.Config;
using LayeredPrefill.Benchmarks.Metrics;
using LayeredPrefill.Experiments;

namespace LayeredPrefill.Benchmarks.Suites;

/// <summary>
/// A whole simulated serving run (roofline executor) per model × embedded trace, one method per policy with chunked prefill as
/// the Baseline, so BenchmarkDotNet's Ratio column reads as layered's (and prefill-first's) effect on the cost of simulating.
/// The time column is what the simulation costs; the domain columns are what it predicts (TTFT, ITL, SLO, expert traffic,
/// energy), which are deterministic and held exactly by the regression gate.
/// </summary>
[BenchmarkCategory(Categories.Serving)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class Serving
{
    /// <summary>Requests per run: enough for a p99, few enough that one run takes well under a second.</summary>
    public const int Requests = 100;

    [Params("qwen3-30b-a3b", "gpt-oss-20b")]
    public string Model { get; set; } = "";

    [Params("arxiv-long", "arxiv", "sharegpt")]
    public string Trace { get; set; } = "";

    private readonly Dictionary<string, ExperimentSpec> _specs = [];
    private readonly Dictionary<string, RunReport> _last = [];

    [GlobalSetup]
    public void Setup()
    {
        foreach (string policy in new[] { "chunked", "layered", "prefill-first" }) _specs[policy] = ServingScenario.Spec(Model, Trace, policy, Requests);
    }

    [Benchmark(Baseline = true)]
    public RunReport Chunked() => Run("chunked");

    [Benchmark]
    public RunReport Layered() => Run("layered");

    [Benchmark]
    public RunReport PrefillFirst() => Run("prefill-first");

    private RunReport Run(string policy)
    {
        for (int i = 1; i < PlantedSlowdown.Factor; i++) ExperimentRunner.Run(_specs[policy]);
        return _last[policy] = ExperimentRunner.Run(_specs[policy]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var (policy, method) in new[] { ("chunked", nameof(Chunked)), ("layered", nameof(Layered)), ("prefill-first", nameof(PrefillFirst)) })
            if (_last.TryGetValue(policy, out var last)) BenchmarkParameters.WriteMetrics(this, typeof(Serving), method, DomainMetrics.FromServing(last.Metrics));
    }
}

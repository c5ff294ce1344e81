using LayeredPrefill.ResultsComparer;

namespace LayeredPrefill.Tests.ResultsComparer;

/// <summary>The regression gate on synthetic reports: it passes noise, catches a 2× slowdown and any move of a simulated metric.</summary>
public class GateTests
{
    private static readonly GateOptions Options = new();

    /// <summary>Per-operation times around <paramref name="medianNs"/> with multiplicative noise (σ ≈ <paramref name="noise"/>).</summary>
    private static double[] Times(Random random, double medianNs, double noise = 0.15, int count = 15) =>
        Enumerable.Range(0, count).Select(_ => medianNs * Math.Exp(noise * Gaussian(random))).ToArray();

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    internal static List<BenchmarkResult> Run(int seed, double timeFactor = 1, double noise = 0.15, Func<string, double, double>? metric = null)
    {
        var random = new Random(seed);
        var metricsRandom = new Random(1234); // simulated metrics are the same in every run
        return Enumerable.Range(0, 6).Select(i =>
        {
            string name = $"Suite.Case(N: {i})";
            var metrics = new Dictionary<string, double>
            {
                ["Sim.TtftMeanMs"] = 100 + 900 * metricsRandom.NextDouble(),
                ["Sim.JoulesPerToken"] = metricsRandom.NextDouble(),
                ["Measured.IterationsPerSecond"] = 1e5 * random.NextDouble(),
            };
            if (metric is not null)
                foreach (var key in metrics.Keys.ToArray()) metrics[key] = metric(key, metrics[key]);
            return new BenchmarkResult(name, Times(random, (i + 1) * 20e6 * timeFactor, noise), metrics, "synthetic");
        }).ToList();
    }

    [Fact]
    public void A_rerun_from_the_same_distribution_passes()
    {
        for (int seed = 1; seed <= 20; seed++)
        {
            var report = Gate.Compare(Run(seed), Run(seed + 100), Options);
            Assert.True(report.Passed, MarkdownReport.Render(report));
            Assert.DoesNotContain(report.Rows, r => r.Verdict is Verdict.Slower or Verdict.Changed);
        }
    }

    [Fact]
    public void A_rerun_30_percent_slower_under_noise_passes()
    {
        var report = Gate.Compare(Run(1), Run(2, timeFactor: 1.3), Options);
        Assert.True(report.Passed, MarkdownReport.Render(report));
    }

    [Fact]
    public void Doubled_timings_fail_every_case()
    {
        for (int seed = 1; seed <= 10; seed++)
        {
            var report = Gate.Compare(Run(seed), Run(seed + 100, timeFactor: 2, noise: 0.25), Options);
            Assert.False(report.Passed);
            Assert.All(report.Rows.Where(r => r.Metric == "time"), r => Assert.Equal(Verdict.Slower, r.Verdict));
            Assert.Contains("FAILED", MarkdownReport.Render(report));
        }
    }

    [Fact]
    public void Halved_timings_pass_as_faster()
    {
        var report = Gate.Compare(Run(3), Run(4, timeFactor: 0.5), Options);
        Assert.True(report.Passed);
        Assert.All(report.Rows.Where(r => r.Metric == "time"), r => Assert.Equal(Verdict.Faster, r.Verdict));
    }

    [Fact]
    public void Doubled_timings_are_reported_but_pass_when_timings_are_not_gated()
    {
        var report = Gate.Compare(Run(5), Run(6, timeFactor: 2), Options with { GateTimings = false });
        Assert.True(report.Passed);
        Assert.All(report.Rows.Where(r => r.Metric == "time"), r => Assert.Equal(Verdict.SlowerNotGated, r.Verdict));
    }

    [Fact]
    public void A_doubled_microbenchmark_under_the_noise_floor_passes()
    {
        var random = new Random(7);
        var baseline = new[] { new BenchmarkResult("Tiny", Times(random, 3_000), new Dictionary<string, double>(), "b") };
        var now = new[] { new BenchmarkResult("Tiny", Times(random, 6_000), new Dictionary<string, double>(), "n") };
        var report = Gate.Compare(baseline, now, Options);
        Assert.Equal(Verdict.UnderNoiseFloor, Assert.Single(report.Rows).Verdict);
        Assert.True(report.Passed);
        Assert.False(Gate.Compare(baseline, now, Options with { NoiseFloorMicroseconds = 1 }).Passed);
    }

    [Theory]
    [InlineData("Sim.TtftMeanMs", 1e-6, false)]
    [InlineData("Sim.JoulesPerToken", -1e-7, false)]
    [InlineData("Sim.TtftMeanMs", 1e-12, true)]
    [InlineData("Measured.IterationsPerSecond", 0.5, true)]
    public void A_moved_simulated_metric_fails_and_a_measured_one_does_not(string id, double relativeChange, bool passes)
    {
        var report = Gate.Compare(Run(8), Run(9, metric: (key, v) => key == id ? v * (1 + relativeChange) : v), Options);
        Assert.Equal(passes, report.Passed);
        if (!passes) Assert.All(report.Failures, r => { Assert.Equal(id, r.Metric); Assert.Equal(Verdict.Changed, r.Verdict); });
    }

    [Fact]
    public void A_missing_case_or_metric_fails_and_a_new_one_passes()
    {
        var baseline = Run(10);
        var fewer = Run(11).Skip(1).ToList();
        Assert.Contains(Gate.Compare(baseline, fewer, Options).Failures, r => r.Verdict == Verdict.Missing && r.Benchmark == baseline[0].FullName);

        var noTtft = Run(11).Select(r => r with { Metrics = r.Metrics.Where(m => m.Key != "Sim.TtftMeanMs").ToDictionary() }).ToList();
        Assert.All(Gate.Compare(baseline, noTtft, Options).Failures, r => Assert.Equal(("Sim.TtftMeanMs", Verdict.Missing), (r.Metric, r.Verdict)));

        var report = Gate.Compare(baseline.Skip(1).ToList(), Run(12), Options);
        Assert.True(report.Passed);
        Assert.Contains(report.Rows, r => r.Verdict == Verdict.New && r.Benchmark == baseline[0].FullName);
    }

    [Fact]
    public void Too_few_iterations_cannot_pass()
    {
        var random = new Random(13);
        var baseline = new[] { new BenchmarkResult("Dry", Times(random, 1e6, count: 3), new Dictionary<string, double>(), "b") };
        var report = Gate.Compare(baseline, baseline, Options);
        Assert.Equal(Verdict.TooFewSamples, Assert.Single(report.Rows).Verdict);
        Assert.False(report.Passed);
    }

    [Fact]
    public void NaN_metrics_match_each_other_only()
    {
        Assert.Equal(Verdict.Same, MetricTest.Compare(double.NaN, double.NaN, Options));
        Assert.Equal(Verdict.Changed, MetricTest.Compare(double.NaN, 1.0, Options));
        Assert.Equal(Verdict.Changed, MetricTest.Compare(0.0, 1e-300, Options));
    }
}

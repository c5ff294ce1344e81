using LayeredPrefill.ResultsComparer;

namespace LayeredPrefill.Tests.ResultsComparer;

/// <summary>
/// Timings judged against the baseline's build measured in the same job: a machine that is 2× slower today than on the
/// day the baseline was recorded passes, a 2× slowdown of the code on that slow day still fails, and the simulated
/// metrics are still held to the committed baseline.
/// </summary>
public class TimingReferenceTests
{
    private static readonly GateOptions Options = new();

    [Fact]
    public void A_machine_slower_than_on_the_baseline_day_passes_against_a_reference_run_today()
    {
        var baseline = GateTests.Run(20);
        var now = GateTests.Run(21, timeFactor: 2);
        var reference = GateTests.Run(22, timeFactor: 2);
        Assert.False(Gate.Compare(baseline, now, Options).Passed);
        var report = Gate.Compare(baseline, now, Options, reference);
        Assert.True(report.Passed, MarkdownReport.Render(report));
        Assert.True(report.TimingsFromReference);
        Assert.Contains("against the baseline's build run in this job", MarkdownReport.Render(report));
    }

    [Fact]
    public void Code_twice_as_slow_fails_against_a_reference_from_the_same_slow_day()
    {
        var report = Gate.Compare(GateTests.Run(23), GateTests.Run(24, timeFactor: 4, noise: 0.25), Options, GateTests.Run(25, timeFactor: 2));
        Assert.False(report.Passed);
        Assert.All(report.Rows.Where(r => r.Metric == "time"), r => Assert.Equal(Verdict.Slower, r.Verdict));
    }

    [Fact]
    public void Simulated_metrics_are_still_held_to_the_committed_baseline()
    {
        var now = GateTests.Run(27, metric: (key, v) => key == "Sim.TtftMeanMs" ? v * 1.01 : v);
        var report = Gate.Compare(GateTests.Run(26), now, Options, GateTests.Run(28));
        Assert.All(report.Failures, r => Assert.Equal(("Sim.TtftMeanMs", Verdict.Changed), (r.Metric, r.Verdict)));
        Assert.NotEmpty(report.Failures);
    }

    [Fact]
    public void A_case_the_reference_run_lacks_is_missing()
    {
        var baseline = GateTests.Run(29);
        var report = Gate.Compare(baseline, GateTests.Run(30), Options, GateTests.Run(31).Skip(1).ToList());
        var failure = Assert.Single(report.Failures);
        Assert.Equal((baseline[0].FullName, "time", Verdict.Missing), (failure.Benchmark, failure.Metric, failure.Verdict));
    }

    [Fact]
    public void Pooled_runs_concatenate_each_case_in_run_order()
    {
        var first = GateTests.Run(32);
        var second = GateTests.Run(33);
        var pooled = PooledRuns.Pool([first, second], "--current", Options);
        Assert.Equal(first.Count, pooled.Count);
        for (int i = 0; i < first.Count; i++)
            Assert.Equal(first[i].NanosecondsPerOperation.Concat(second[i].NanosecondsPerOperation), pooled[i].NanosecondsPerOperation);
    }

    [Fact]
    public void Runs_of_different_builds_are_not_pooled()
    {
        var moved = GateTests.Run(35, metric: (key, v) => key == "Sim.JoulesPerToken" ? v * 1.001 : v);
        var e = Assert.Throws<UserInputException>(() => PooledRuns.Pool([GateTests.Run(34), moved], "--timing-reference", Options));
        Assert.Contains("Sim.JoulesPerToken differs", e.Message);
        Assert.StartsWith("--timing-reference:", e.Message);

        var fewer = GateTests.Run(36).Skip(2).ToList();
        Assert.Contains("not in every run", Assert.Throws<UserInputException>(() => PooledRuns.Pool([GateTests.Run(37), fewer], "--current", Options)).Message);
        Assert.Contains("not in every run", Assert.Throws<UserInputException>(() => PooledRuns.Pool([fewer, GateTests.Run(37)], "--current", Options)).Message);
    }

    [Fact]
    public void Pooling_holds_the_metrics_to_the_gates_tolerance_and_to_the_same_keys()
    {
        var moved = GateTests.Run(39, metric: (key, v) => key == "Sim.TtftMeanMs" ? v * (1 + 1e-6) : v);
        Assert.Throws<UserInputException>(() => PooledRuns.Pool([GateTests.Run(38), moved], "--current", Options));
        Assert.Equal(GateTests.Run(38).Count, PooledRuns.Pool([GateTests.Run(38), moved], "--current", Options with { MetricRelativeTolerance = 1e-5 }).Count);

        var lacking = GateTests.Run(40).Select(r => r with { Metrics = r.Metrics.Where(m => m.Key != "Sim.JoulesPerToken").ToDictionary() }).ToList();
        Assert.Contains("Sim.JoulesPerToken differs", Assert.Throws<UserInputException>(() => PooledRuns.Pool([lacking, GateTests.Run(41)], "--current", Options)).Message);
    }
}

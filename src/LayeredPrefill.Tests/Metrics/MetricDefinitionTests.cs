using LayeredPrefill.Metrics;
using LayeredPrefill.Serving;

namespace LayeredPrefill.Tests.Metrics;

public class MetricDefinitionTests
{
    private static RunResult Run(params RequestTimeline[] requests) =>
        new("p", "e", requests, [], requests.Max(r => r.FinishSeconds ?? 0), 0, false, new Dictionary<int, IReadOnlyList<int>>());

    [Fact]
    public void Ttft_tpot_itl_e2el_match_hand_computed_values()
    {
        // A: arrives 0, tokens at 1.0, 1.1, 1.3 → TTFT 1.0, ITL 0.1, 0.2, TPOT (1.3-1.0)/2 = 0.15, E2E 1.3.
        // B: arrives 0.5, tokens at 2.5, 2.6 → TTFT 2.0, ITL 0.1, TPOT 0.1, E2E 2.1.
        var a = new RequestTimeline(0, 0.0, 10, 3, 0.0, [1.0, 1.1, 1.3], 1.3, 0, false);
        var b = new RequestTimeline(1, 0.5, 10, 2, 0.6, [2.5, 2.6], 2.6, 0, false);
        var m = ServingMetrics.From(Run(a, b), new Slo(1.5, 0.15));
        Assert.Equal(1500, m.Ttft.MeanMs, 9);
        Assert.Equal(125, m.Tpot.MeanMs, 9);
        Assert.Equal((100 + 200 + 100) / 3.0, m.Itl.MeanMs, 9);
        Assert.Equal(1700, m.E2el.MeanMs, 9);
        Assert.Equal(2.6, m.DurationSeconds, 12);
        Assert.Equal(2 / 2.6, m.RequestThroughput, 12);
        Assert.Equal(5 / 2.6, m.OutputThroughput, 12);
        // A misses the ITL bound (a 200 ms gap), B misses the TTFT bound: strict SLO met by none.
        Assert.Equal(0, m.SloMet);
        var relaxed = ServingMetrics.From(Run(a, b), new Slo(2.0, 0.2));
        Assert.Equal(2, relaxed.SloMet);
        Assert.Equal(1.0, relaxed.SloAttainment);
    }

    [Fact]
    public void Percentiles_follow_numpy_linear_interpolation()
    {
        double[] sorted = [1, 2, 3, 4];
        Assert.Equal(2.5, LatencySummary.Percentile(sorted, 50), 12);
        Assert.Equal(3.97, LatencySummary.Percentile(sorted, 99), 12);
        var s = LatencySummary.FromSeconds([0.001, 0.002, 0.003, 0.004]);
        Assert.Equal(Math.Sqrt(1.25), s.StdMs, 9);   // population std, as numpy's default
    }

    [Fact]
    public void Incomplete_requests_count_against_attainment()
    {
        var done = new RequestTimeline(0, 0, 5, 2, 0, [0.1, 0.2], 0.2, 0, false);
        var unfinished = new RequestTimeline(1, 0, 5, 3, 0, [0.1], null, 0, false);
        var m = ServingMetrics.From(Run(done, unfinished), new Slo(1, 1));
        Assert.Equal(0.5, m.SloAttainment);
        Assert.Equal(1, m.Completed);
    }

    [Fact]
    public void Unmeasured_energy_is_unknown_not_zero()
    {
        var r = new RequestTimeline(0, 0, 5, 2, 0, [0.1, 0.2], 0.2, 0, false);
        var m = ServingMetrics.From(Run(r), new Slo(1, 1));
        Assert.True(double.IsNaN(m.EnergyJoules));
        Assert.True(double.IsNaN(m.EnergyPerTokenJoules));
        var withIdle = ServingMetrics.From(Run(r) with { IdleEnergyJoules = 7 }, new Slo(1, 1));
        Assert.Equal(7.0 / 7, withIdle.EnergyPerTokenJoules, 12);   // 5 prompt + 2 output tokens
    }
}

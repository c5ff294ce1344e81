using LayeredPrefill.Experiments;
using LayeredPrefill.Metrics;
using LayeredPrefill.Randomness;
using LayeredPrefill.Serving;
using LayeredPrefill.Tests.Serving;
using LayeredPrefill.Workloads;

namespace LayeredPrefill.Tests.Experiments;

/// <summary>vLLM's workload knobs: gamma gaps (--burstiness), a ramp, --max-concurrency and goodput objectives.</summary>
public sealed class ArrivalParityTests
{
    private static readonly LayeredPrefill.Models.MoeModel TestModel = LayeredPrefill.Models.ModelCatalog.Get("tiny-moe");

    private static readonly Trace Rows = new("rows", Enumerable.Range(0, 50).Select(i => new TraceRow(100 + i, 10, null)).ToArray(), false, 0);

    private static double[] Gaps(WorkloadSpec spec)
    {
        var arrivals = WorkloadBuilder.Build(Rows, spec).Workload.Requests.Select(r => r.ArrivalSeconds).ToArray();
        return arrivals.Skip(1).Zip(arrivals, (b, a) => b - a).ToArray();
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(1.0)]
    [InlineData(4.0)]
    public void Gamma_gaps_keep_the_rate_and_spread_by_one_over_the_square_root_of_the_burstiness(double burstiness)
    {
        var gaps = Gaps(new WorkloadSpec(20_000, 2.0, Burstiness: burstiness));
        double mean = gaps.Average(), cv = Math.Sqrt(gaps.Sum(g => (g - mean) * (g - mean)) / gaps.Length) / mean;
        Assert.Equal(0.5, mean, 0.02);
        Assert.Equal(1 / Math.Sqrt(burstiness), cv, 0.06);
    }

    [Fact]
    public void Burstiness_one_is_the_poisson_draw_it_always_was()
    {
        var random = new SeededRandom(0, 1);
        var expected = Enumerable.Range(0, 9).Select(_ => random.Exponential(3.0)).ToArray();
        var gaps = Gaps(new WorkloadSpec(10, 3.0));
        Assert.Equal(expected.Length, gaps.Length);
        for (int i = 0; i < gaps.Length; i++) Assert.Equal(expected[i], gaps[i], 12); // differences of the cumulative clock

    }

    [Fact]
    public void A_linear_ramp_draws_each_gap_at_its_requests_rate()
    {
        var ramp = new RampUp(RampUpStrategy.Linear, 1, 9);
        Assert.Equal(1, ramp.RateAt(0, 5));
        Assert.Equal(5, ramp.RateAt(2, 5));
        Assert.Equal(9, ramp.RateAt(4, 5));
        Assert.Equal(3, new RampUp(RampUpStrategy.Exponential, 1, 9).RateAt(1, 3), 12);
        var gaps = Gaps(new WorkloadSpec(4000, null, RampUp: new RampUp(RampUpStrategy.Linear, 1, 20)));
        Assert.True(gaps.Take(400).Average() > 4 * gaps.TakeLast(400).Average(), "the later requests must come faster");
    }

    [Fact]
    public void Max_concurrency_keeps_in_flight_requests_under_the_limit_and_counts_latency_from_the_send()
    {
        var requests = Enumerable.Range(0, 12).Select(i => new Request(i, 0, 64, 8)).ToArray();
        var run = new ServingSimulator(new LayeredPrefill.Scheduling.ChunkedPolicy(256).CreateScheduler(TestModel, LayeredPrefill.Tests.Scheduling.SchedulerHarness.Settings()), new LinearCostExecutor()).Run(new Workload("burst", requests), maxConcurrency: 3);
        var intervals = run.Requests.Select(r => (r.ArrivalSeconds, r.FinishSeconds!.Value)).ToArray();
        foreach (var (start, _) in intervals)
            Assert.True(intervals.Count(i => i.ArrivalSeconds <= start && i.Value > start) <= 3, "more than 3 requests in flight");
        Assert.Equal(3, run.Requests.Count(r => r.ClientQueueSeconds == 0));
        Assert.All(run.Requests.Where(r => r.ClientQueueSeconds > 0), r => Assert.True(r.ArrivalSeconds > 0));
        var metrics = ServingMetrics.From(run, new Slo(10, 1));
        Assert.Equal(3, metrics.MaxConcurrentRequests);
    }

    [Fact]
    public void Goodput_objectives_parse_as_vllm_spells_them_and_refuse_others()
    {
        Assert.Equal(new GoodputObjectives(10000, 125, null), GoodputObjectives.Parse(["ttft:10000", "tpot:125"]));
        Assert.Null(GoodputObjectives.Parse([]));
        Assert.Throws<UserInputException>(() => GoodputObjectives.Parse(["itl:5"]));
        Assert.Throws<UserInputException>(() => GoodputObjectives.Parse(["ttft=5"]));
        Assert.Equal(new GoodputObjectives(1500, null, 2e4), GoodputObjectives.Parse(["ttft:1.5e3", "e2el:20000"]));
        Assert.Throws<UserInputException>(() => GoodputObjectives.Parse(["ttft:0x10"]));
        Assert.Throws<UserInputException>(() => GoodputObjectives.Parse(["tpot:Infinity"]));
    }
}

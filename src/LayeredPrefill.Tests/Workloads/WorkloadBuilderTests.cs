using LayeredPrefill.Workloads;
using Xunit;

namespace LayeredPrefill.Tests.Workloads;

public class WorkloadBuilderTests
{
    // Distinct lengths make every row recognisable after sampling.
    private static Trace Distinct(int rows, bool timestamps = false) => new("t",
        Enumerable.Range(0, rows).Select(i => new TraceRow(100 + i, 1 + i % 50, timestamps ? i * 0.5 : null)).ToArray(),
        timestamps, 0);

    [Fact]
    public void Poisson_gaps_have_mean_one_over_rate_and_an_exponential_spread()
    {
        const double rate = 2.5;
        const int n = 20_000;
        var built = WorkloadBuilder.Build(Distinct(500), new WorkloadSpec(n, rate, Seed: 11));
        var arrivals = built.Workload.Requests.Select(r => r.ArrivalSeconds).ToArray();
        Assert.Equal(0.0, arrivals[0]);
        double[] gaps = arrivals.Zip(arrivals.Skip(1), (a, b) => b - a).ToArray();
        Assert.All(gaps, g => Assert.True(g >= 0));
        double mean = gaps.Average();
        double std = Math.Sqrt(gaps.Average(g => (g - mean) * (g - mean)));
        // Mean of n exponential gaps: standard error (1/rate)/sqrt(n) ≈ 0.0028 s; allow 4 of them.
        Assert.InRange(mean, 1 / rate - 4 * (1 / rate) / Math.Sqrt(n), 1 / rate + 4 * (1 / rate) / Math.Sqrt(n));
        // Exponential: standard deviation equals the mean (coefficient of variation 1).
        Assert.InRange(std / mean, 0.95, 1.05);
    }

    [Fact]
    public void Same_seed_gives_the_same_workload_and_another_seed_a_different_one()
    {
        Trace trace = TraceCatalog.Load("sharegpt");
        var spec = new WorkloadSpec(300, 4.0, Seed: 5);
        var a = WorkloadBuilder.Build(trace, spec).Workload.Requests;
        var b = WorkloadBuilder.Build(trace, spec).Workload.Requests;
        var c = WorkloadBuilder.Build(trace, spec with { Seed = 6 }).Workload.Requests;
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Sampling_is_without_replacement_up_to_the_trace_size_and_with_it_beyond()
    {
        Trace trace = Distinct(200);
        var few = WorkloadBuilder.Build(trace, new WorkloadSpec(200, 1.0, Seed: 3)).Workload.Requests;
        Assert.Equal(200, few.Select(r => r.PromptTokens).Distinct().Count());
        var many = WorkloadBuilder.Build(trace, new WorkloadSpec(1000, 1.0, Seed: 3)).Workload.Requests;
        Assert.Equal(1000, many.Count);
        Assert.True(many.Select(r => r.PromptTokens).Distinct().Count() < 200 + 1);
        Assert.All(many, r => Assert.InRange(r.PromptTokens, 100, 299));
    }

    [Fact]
    public void Ids_follow_arrival_order()
    {
        var requests = WorkloadBuilder.Build(Distinct(100), new WorkloadSpec(100, 3.0, Seed: 9)).Workload.Requests;
        Assert.Equal(Enumerable.Range(0, 100), requests.Select(r => r.Id));
        Assert.Equal(requests.OrderBy(r => r.ArrivalSeconds).Select(r => r.Id), requests.Select(r => r.Id));
    }

    [Fact]
    public void Replay_takes_the_first_rows_in_time_order_scaled()
    {
        Trace trace = new("ts", [new TraceRow(10, 1, 4.0), new TraceRow(20, 2, 5.0), new TraceRow(30, 3, 7.0), new TraceRow(40, 4, 9.0)], true, 0);
        var requests = WorkloadBuilder.Build(trace, new WorkloadSpec(3, null, TimeScale: 2.0)).Workload.Requests;
        Assert.Equal([new Request(0, 0.0, 10, 1), new Request(1, 0.5, 20, 2), new Request(2, 1.5, 30, 3)], requests);
    }

    [Fact]
    public void Over_length_requests_are_dropped_and_counted_and_survivors_keep_their_arrivals()
    {
        Trace trace = TraceCatalog.Load("arxiv-long");
        var full = WorkloadBuilder.Build(trace, new WorkloadSpec(1000, 1.5, Seed: 1));
        var capped = WorkloadBuilder.Build(trace, new WorkloadSpec(1000, 1.5, Seed: 1, MaxModelLengthTokens: 32768));
        int expectedDropped = full.Workload.Requests.Count(r => r.PromptTokens + r.OutputTokens > 32768);
        Assert.True(expectedDropped > 0, "the long arXiv sample has prompts over 32768 tokens");
        Assert.Equal(0, full.DroppedOverMaxLength);
        Assert.Equal(expectedDropped, capped.DroppedOverMaxLength);
        var kept = full.Workload.Requests.Where(r => r.PromptTokens + r.OutputTokens <= 32768).Select((r, i) => r with { Id = i });
        Assert.Equal(kept, capped.Workload.Requests);
    }

    [Fact]
    public void Replay_without_timestamps_asks_for_a_rate()
    {
        var e = Assert.Throws<UserInputException>(() => WorkloadBuilder.Build(Distinct(10), new WorkloadSpec(5, null)));
        Assert.Contains("--rate", e.Message);
    }

    [Theory]
    [InlineData(0, 1.0, 1.0, "--requests")]
    [InlineData(-3, 1.0, 1.0, "--requests")]
    [InlineData(10, 0.0, 1.0, "--rate")]
    [InlineData(10, -1.0, 1.0, "--rate")]
    [InlineData(10, double.NaN, 1.0, "--rate")]
    [InlineData(10, 1.0, 0.0, "--time-scale")]
    [InlineData(10, 1.0, double.PositiveInfinity, "--time-scale")]
    public void Bad_options_name_the_option(int requests, double rate, double timeScale, string option)
    {
        var e = Assert.Throws<UserInputException>(() => WorkloadBuilder.Build(Distinct(10), new WorkloadSpec(requests, rate, timeScale)));
        Assert.StartsWith(option, e.Message);
    }

    [Fact]
    public void Replaying_more_requests_than_rows_is_refused()
    {
        var e = Assert.Throws<UserInputException>(() => WorkloadBuilder.Build(Distinct(10, timestamps: true), new WorkloadSpec(11, null)));
        Assert.StartsWith("--requests", e.Message);
    }
}

using LayeredPrefill.Execution.Roofline;
using LayeredPrefill.Experiments;
using LayeredPrefill.Metrics;
using LayeredPrefill.Models;
using LayeredPrefill.Scheduling;
using LayeredPrefill.Serving;
using LayeredPrefill.Workloads;

namespace LayeredPrefill.Tests.Serving;

/// <summary>Issue 18's unbounded runs: the iteration log is kept only when asked (the metrics are the same without it), and
/// a step that would push the clock past 1e9 s is refused as arrivals are.</summary>
public sealed class BoundedRunTests
{
    private static ExperimentSpec Spec(string trace = "sharegpt", int requests = 60) =>
        new(ModelCatalog.Get("tiny-moe"), DeviceCatalog.Get("h100-sxm"), 1,
            WorkloadBuilder.Build(TraceCatalog.Load(trace), new WorkloadSpec(requests, 8, Seed: 5)).Workload,
            new ChunkedPolicy(256), new Slo(10, 0.125), new RoutingSpec());

    [Fact]
    public void Without_the_iteration_log_the_run_keeps_no_records_and_the_metrics_and_json_are_identical()
    {
        var spec = Spec();
        var kept = ExperimentRunner.Run(spec, keepIterationLog: true);
        var streamed = ExperimentRunner.Run(spec, keepIterationLog: false);
        Assert.NotEmpty(kept.Run.Iterations);
        Assert.Empty(streamed.Run.Iterations);
        Assert.Equal(kept.Run.Iterations.Count, streamed.Metrics.Iterations);
        Assert.Equal(kept.Metrics, streamed.Metrics);
        var context = RunContext.Roofline(spec, DateTimeOffset.FromUnixTimeSeconds(0));
        Assert.Equal(ResultJson.Write(kept, context, new ResultJson.Options(Timelines: true)), ResultJson.Write(streamed, context, new ResultJson.Options(Timelines: true)));
    }

    [Fact]
    public void A_step_past_the_clock_limit_is_one_user_error_naming_the_device()
    {
        // Each iteration priced at 4e8 s: the third would end past 1e9 s, where a double no longer resolves a microsecond.
        var scheduler = new ChunkedPolicy(256).CreateScheduler(ModelCatalog.Get("tiny-moe"), new SchedulerSettings(8, 64, 16));
        var requests = Enumerable.Range(0, 4).Select(i => new Request(i, 0, 600, 4)).ToList();
        var simulator = new ServingSimulator(scheduler, new LinearCostExecutor(fixedSeconds: 4e8));
        var e = Assert.Throws<UserInputException>(() => simulator.Run(new Workload("w", requests)));
        Assert.StartsWith("--device: the simulated clock would pass 1E+09 s at iteration 2", e.Message);
    }

    [Fact]
    public void Slots_all_held_by_requests_no_plan_runs_are_a_bug_reported_not_a_loop()
    {
        // With --max-concurrency 1 the second request waits for the first's slot, which a scheduler that never plans never frees.
        var requests = new[] { new Request(0, 0, 64, 4), new Request(1, 0, 64, 4) };
        var simulator = new ServingSimulator(new StuckScheduler(), new LinearCostExecutor());
        var e = Assert.Throws<InvalidOperationException>(() => simulator.Run(new Workload("w", requests), maxConcurrency: 1));
        Assert.Equal("stuck: all 1 client slots are held by requests none can be scheduled, so none of the 1 waiting can be sent", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => simulator.Run(new Workload("w", requests), maxConcurrency: 0));
    }

    // Accepts every request and never plans one: what a scheduler bug (or a request it can never fit) looks like to the loop.
    private sealed class StuckScheduler : IScheduler
    {
        private int _accepted;
        public string Name => "stuck";
        public bool Enqueue(Request request) { _accepted++; return true; }
        public bool HasWork => _accepted > 0;
        public IterationPlan? Plan() => null;
        public IterationOutcome Complete(IterationPlan plan) => throw new InvalidOperationException("nothing was planned");
        public long KvBlocksUsed => 0;
    }

    [Fact]
    public void Every_built_in_device_is_within_the_physical_ranges()
    {
        foreach (string name in DeviceCatalog.Names)
            DeviceProfileLimits.Check(DeviceCatalog.Get(name), name);
        foreach (string file in Directory.GetFiles(Path.Combine(Fixture.RepositoryRoot(), "results", "devices"), "*.json"))
            DeviceProfileJson.Load(file);
    }
}

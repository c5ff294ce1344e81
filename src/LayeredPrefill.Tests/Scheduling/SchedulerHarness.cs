using LayeredPrefill.Scheduling;
using LayeredPrefill.Workloads;

namespace LayeredPrefill.Tests.Scheduling;

/// <summary>Drives a scheduler without an executor: every iteration takes one time unit.</summary>
internal static class SchedulerHarness
{
    public static SchedulerSettings Settings(int maxSeqs = 256, long kvBlocks = 1_000_000, int blockTokens = 16) =>
        new(maxSeqs, kvBlocks, blockTokens);

    /// <summary>Enqueues every request up front and plans until done, returning the plans.</summary>
    public static List<IterationPlan> Drain(IScheduler scheduler, IEnumerable<Request> requests, int maxIterations = 100_000)
    {
        foreach (var r in requests) Assert.True(scheduler.Enqueue(r));
        var plans = new List<IterationPlan>();
        while (scheduler.HasWork)
        {
            var plan = scheduler.Plan();
            Assert.NotNull(plan);
            scheduler.Complete(plan);
            plans.Add(plan);
            Assert.True(plans.Count < maxIterations, "scheduler did not finish");
        }
        return plans;
    }

    public static Request Req(int id, int prompt, int output, double arrival = 0) => new(id, arrival, prompt, output);

    /// <summary>A compact text form of a plan: "D0,D1|P2[0+512)@0-48*" (* = emits).</summary>
    public static string Describe(IterationPlan plan) =>
        string.Join(",", plan.Decodes.Select(d => $"D{d.RequestId}")) + "|" +
        string.Join(",", plan.Prefills.Select(p => $"P{p.RequestId}[{p.StartToken}+{p.TokenCount})@{p.Layers.Start}-{p.Layers.End}{(p.EmitsToken ? "*" : "")}"));
}

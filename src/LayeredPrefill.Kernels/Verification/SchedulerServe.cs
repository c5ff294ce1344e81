using LayeredPrefill.Scheduling;
using LayeredPrefill.Workloads;

namespace LayeredPrefill.Kernels.Verification;

/// <summary>Serves requests that are all waiting at once under one of the project's schedulers on a kernel executor, recording the tokens.</summary>
public static class SchedulerServe
{
    /// <summary>Iterations one serve may take before it is called stuck.</summary>
    public const int MaxIterations = 100_000;

    /// <summary>Every request's generated tokens, in order; finished requests are released as the simulator releases them.</summary>
    public static Dictionary<int, List<int>> Tokens(IScheduler scheduler, IReadOnlyList<Request> requests, KernelExecutor executor)
    {
        var tokens = requests.ToDictionary(r => r.Id, _ => new List<int>());
        foreach (var r in requests)
            if (!scheduler.Enqueue(r)) throw new InvalidOperationException($"{scheduler.Name}: request {r.Id} was refused");
        for (int i = 0; scheduler.HasWork; i++)
        {
            if (i >= MaxIterations) throw new InvalidOperationException($"{scheduler.Name}: no finish after {MaxIterations} iterations");
            var plan = scheduler.Plan() ?? throw new InvalidOperationException($"{scheduler.Name}: work left but no plan");
            var cost = executor.Execute(plan);
            foreach (var (id, token) in cost.TokenIds!) tokens[id].Add(token);
            var done = scheduler.Complete(plan);
            foreach (int id in done.Finished) executor.Release(id, preempted: false);
        }
        return tokens;
    }
}

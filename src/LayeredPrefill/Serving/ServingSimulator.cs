using LayeredPrefill.Execution;
using LayeredPrefill.Scheduling;
using LayeredPrefill.Workloads;

namespace LayeredPrefill.Serving;

/// <summary>
/// The discrete-event serving loop: arrivals join the scheduler, the scheduler plans an
/// iteration, the executor prices or runs it, and the clock advances by the iteration's cost —
/// never by the wall clock — so the same inputs give the same result.
/// </summary>
public sealed class ServingSimulator(IScheduler scheduler, IExecutor executor, double idlePowerWatts = 0)
{
    private sealed class Builder(Request request)
    {
        public Request Request { get; } = request;
        public double? FirstScheduledSeconds { get; set; }
        public List<double> TokenTimes { get; } = [];
        public List<int> TokenIds { get; } = [];
        public double? FinishSeconds { get; set; }
        public int Preemptions { get; set; }
        public bool Rejected { get; set; }

        public RequestTimeline Build() => new(Request.Id, Request.ArrivalSeconds, Request.PromptTokens, Request.OutputTokens,
            FirstScheduledSeconds, TokenTimes, FinishSeconds, Preemptions, Rejected);
    }

    /// <summary>Serves the whole workload (or until <paramref name="cancel"/> fires, marking the result interrupted).</summary>
    public RunResult Run(Workload workload, CancellationToken cancel = default)
    {
        var requests = workload.Requests.OrderBy(r => r.ArrivalSeconds).ThenBy(r => r.Id).ToArray();
        var builders = new Dictionary<int, Builder>(requests.Length);
        foreach (var r in requests)
        {
            if (!builders.TryAdd(r.Id, new Builder(r)))
                throw new UserInputException($"workload '{workload.Name}': request id {r.Id} appears twice");
        }
        var iterations = new List<IterationRecord>();
        double now = requests.Length > 0 ? Math.Min(0, requests[0].ArrivalSeconds) : 0;
        double idleEnergy = 0;
        int next = 0;
        bool interrupted = false;

        while (true)
        {
            if (cancel.IsCancellationRequested) { interrupted = true; break; }
            while (next < requests.Length && requests[next].ArrivalSeconds <= now)
            {
                var r = requests[next++];
                if (!scheduler.Enqueue(r)) builders[r.Id].Rejected = true;
            }
            var plan = scheduler.HasWork ? scheduler.Plan() : null;
            if (plan is null)
            {
                if (next == requests.Length)
                {
                    if (scheduler.HasWork)
                        throw new InvalidOperationException($"{scheduler.Name}: requests remain but none can be scheduled and none will arrive");
                    break;
                }
                double arrival = requests[next].ArrivalSeconds;
                idleEnergy += idlePowerWatts * (arrival - now);
                now = arrival;
                continue;
            }

            foreach (int id in plan.Preempted)
            {
                builders[id].Preemptions++;
                executor.Release(id, preempted: true);
            }
            foreach (var p in plan.Prefills) builders[p.RequestId].FirstScheduledSeconds ??= now;

            var cost = executor.Execute(plan);
            if (!(cost.DurationSeconds > 0) || !double.IsFinite(cost.DurationSeconds))
                throw new InvalidOperationException($"{executor.Name} priced iteration {plan.Index} at {cost.DurationSeconds} s");
            double start = now;
            now += cost.DurationSeconds;

            var outcome = scheduler.Complete(plan);
            foreach (int id in outcome.Emitted)
            {
                var b = builders[id];
                b.TokenTimes.Add(now);
                if (cost.TokenIds is { } ids && ids.TryGetValue(id, out int token)) b.TokenIds.Add(token);
            }
            foreach (int id in outcome.Finished)
            {
                builders[id].FinishSeconds = now;
                executor.Release(id, preempted: false);
            }
            iterations.Add(Record(plan, cost, start, outcome.Emitted.Count, scheduler.KvBlocksUsed));
        }

        var timelines = requests.Select(r => builders[r.Id].Build()).ToArray();
        var tokenIds = builders.Values.Where(b => b.TokenIds.Count > 0)
            .OrderBy(b => b.Request.Id)
            .ToDictionary(b => b.Request.Id, b => (IReadOnlyList<int>)b.TokenIds);
        return new RunResult(scheduler.Name, executor.Name, timelines, iterations, now, idleEnergy, interrupted, tokenIds);
    }

    private static IterationRecord Record(IterationPlan plan, IterationCost cost, double start, int emitted, long kvBlocks)
    {
        int layerStart = -1, layerEnd = -1;
        if (plan.Prefills.Count > 0)
        {
            layerStart = plan.Prefills.Min(p => p.Layers.Start);
            layerEnd = plan.Prefills.Max(p => p.Layers.End);
        }
        return new IterationRecord(plan.Index, start, cost.DurationSeconds, plan.Decodes.Count, plan.PrefillTokens,
            plan.Prefills.Count, layerStart, layerEnd, emitted, plan.Preempted.Count, kvBlocks,
            cost.Traffic, cost.Flops, cost.EnergyJoules);
    }
}

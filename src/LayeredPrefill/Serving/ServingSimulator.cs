using LayeredPrefill.Execution;
using LayeredPrefill.Scheduling;
using LayeredPrefill.Workloads;

namespace LayeredPrefill.Serving;

/// <summary>
/// The discrete-event serving loop: arrivals join the scheduler, the scheduler plans an
/// iteration, the executor prices or runs it, and the clock advances by the iteration's cost —
/// never by the wall clock — so the same inputs give the same result.
/// </summary>
/// <param name="keepIterationLog">Keep every <see cref="IterationRecord"/> (for --iteration-log and plots); otherwise only their sums.</param>
public sealed class ServingSimulator(IScheduler scheduler, IExecutor executor, double idlePowerWatts = 0, bool keepIterationLog = true)
{
    /// <summary>The latest the simulated clock may reach, as for arrivals: past it a double no longer resolves a microsecond.</summary>
    public const double MaxClockSeconds = Workloads.WorkloadBuilder.MaxArrivalSpanSeconds;

    // Per request only what the timeline needs; lists are made when the first token comes, at their final size.
    private sealed class Builder(Request request)
    {
        public Request Request { get; } = request;
        public double? FirstScheduledSeconds { get; set; }
        public List<double>? TokenTimes { get; set; }
        public List<int>? TokenIds { get; set; }
        public double? FinishSeconds { get; set; }
        public int Preemptions { get; set; }
        public bool Rejected { get; set; }

        public void AddToken(double now)
        {
            TokenTimes ??= new List<double>(Math.Min(Request.OutputTokens, 1 << 16));
            TokenTimes.Add(now);
        }

        public RequestTimeline Build() => new(Request.Id, Request.ArrivalSeconds, Request.PromptTokens, Request.OutputTokens,
            FirstScheduledSeconds, (IReadOnlyList<double>?)TokenTimes ?? [], FinishSeconds, Preemptions, Rejected);
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
        var totals = IterationTotals.Zero;
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
            // The same limit arrivals respect: a clock past it would round every later latency to nonsense.
            if (!(now <= MaxClockSeconds))
                throw new UserInputException(System.FormattableString.Invariant(
                    $"--device: the simulated clock would pass {MaxClockSeconds:G3} s at iteration {plan.Index} ({executor.Name} priced it at {cost.DurationSeconds:G3} s), beyond what the clock resolves; the device profile or the workload is implausible"));

            var outcome = scheduler.Complete(plan);
            foreach (int id in outcome.Emitted)
            {
                var b = builders[id];
                b.AddToken(now);
                if (cost.TokenIds is { } ids && ids.TryGetValue(id, out int token)) (b.TokenIds ??= []).Add(token);
            }
            foreach (int id in outcome.Finished)
            {
                builders[id].FinishSeconds = now;
                executor.Release(id, preempted: false);
            }
            totals = totals.Add(cost);
            if (keepIterationLog) iterations.Add(Record(plan, cost, start, outcome.Emitted.Count, scheduler.KvBlocksUsed));
        }

        var timelines = requests.Select(r => builders[r.Id].Build()).ToArray();
        var tokenIds = builders.Values.Where(b => b.TokenIds is { Count: > 0 })
            .OrderBy(b => b.Request.Id)
            .ToDictionary(b => b.Request.Id, b => (IReadOnlyList<int>)b.TokenIds!);
        return new RunResult(scheduler.Name, executor.Name, timelines, iterations, now, idleEnergy, interrupted, tokenIds, totals);
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

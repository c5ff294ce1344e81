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
        public double SentSeconds { get; set; } = request.ArrivalSeconds;
        public double ExecutionSeconds { get; set; }

        public void AddToken(double now)
        {
            TokenTimes ??= new List<double>(Math.Min(Request.OutputTokens, 1 << 16));
            TokenTimes.Add(now);
        }

        public RequestTimeline Build() => new(Request.Id, SentSeconds, Request.PromptTokens, Request.OutputTokens,
            FirstScheduledSeconds, (IReadOnlyList<double>?)TokenTimes ?? [], FinishSeconds, Preemptions, Rejected, ExecutionSeconds, SentSeconds - Request.ArrivalSeconds);
    }

    /// <summary>Serves the whole workload (or until <paramref name="cancel"/> fires, marking the result interrupted).</summary>
    /// <param name="maxConcurrency">The client keeps at most this many requests in flight (vLLM's --max-concurrency); a request that
    /// arrives when all are taken is sent when one finishes, and its latencies count from then.</param>
    /// <param name="progress">Called after every iteration (cheaply: the caller decides how often to show it).</param>
    public RunResult Run(Workload workload, CancellationToken cancel = default, int? maxConcurrency = null, Action<ServingProgress>? progress = null)
    {
        if (maxConcurrency is { } slots) ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slots, nameof(maxConcurrency));
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
        int limit = maxConcurrency ?? int.MaxValue, inFlight = 0, finished = 0;
        // Slots that stayed free through the last iteration: a request arriving during it was sent on arrival.
        int freeDuringIteration = limit;
        double lastTop = double.NegativeInfinity, workDone = 0;
        double workTotal = requests.Sum(r => (double)r.PromptTokens + r.OutputTokens);

        while (true)
        {
            if (cancel.IsCancellationRequested) { interrupted = true; break; }
            while (next < requests.Length && requests[next].ArrivalSeconds <= now && inFlight < limit)
            {
                var r = requests[next++];
                var b = builders[r.Id];
                bool foundSlotOnArrival = r.ArrivalSeconds > lastTop && freeDuringIteration > 0;
                if (foundSlotOnArrival) freeDuringIteration--;
                b.SentSeconds = foundSlotOnArrival ? r.ArrivalSeconds : Math.Max(r.ArrivalSeconds, now);
                if (!scheduler.Enqueue(r)) { b.Rejected = true; finished++; }
                else inFlight++;
            }
            lastTop = now;
            freeDuringIteration = limit - inFlight;
            var plan = scheduler.HasWork ? scheduler.Plan() : null;
            if (plan is null)
            {
                if (next == requests.Length)
                {
                    if (scheduler.HasWork)
                        throw new InvalidOperationException($"{scheduler.Name}: requests remain but none can be scheduled and none will arrive");
                    break;
                }
                // Every slot is held by a request the scheduler cannot run, so no slot frees and no arrival can be sent:
                // waiting for the next arrival would come back here at the same clock forever.
                if (inFlight >= limit)
                    throw new InvalidOperationException($"{scheduler.Name}: all {limit} client slots are held by requests none can be scheduled, so none of the {requests.Length - next} waiting can be sent");
                double arrival = requests[next].ArrivalSeconds;
                idleEnergy += idlePowerWatts * Math.Max(0, arrival - now);
                now = Math.Max(now, arrival);
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

            foreach (int id in plan.Decodes.Select(d => d.RequestId).Concat(plan.Prefills.Select(p => p.RequestId)).Distinct())
                builders[id].ExecutionSeconds += cost.DurationSeconds;
            // Only the progress line reads it: a run without one pays nothing for it.
            if (progress is not null)
                workDone += plan.Decodes.Count + plan.Prefills.Sum(p => (double)p.TokenCount * p.Layers.Count / plan.ModelLayers);

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
                inFlight--;
                finished++;
            }
            totals = totals.Add(cost);
            if (keepIterationLog) iterations.Add(Record(plan, cost, start, outcome.Emitted.Count, scheduler.KvBlocksUsed));
            progress?.Invoke(new ServingProgress(totals.Count, now, finished, requests.Length, Math.Min(1, workDone / Math.Max(workTotal, 1))));
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

using LayeredPrefill.Serving;

namespace LayeredPrefill.Metrics;

/// <summary>The serving metrics of one run (REFERENCE.md §5 definitions; latencies in ms, traffic in bytes, energy in joules).</summary>
public sealed record ServingMetrics(
    int Requests,
    int Completed,
    int Rejected,
    double DurationSeconds,
    long PromptTokens,
    long OutputTokens,
    double RequestThroughput,
    double OutputThroughput,
    double TotalTokenThroughput,
    LatencySummary Ttft,
    LatencySummary Tpot,
    LatencySummary Itl,
    LatencySummary E2el,
    int SloMet,
    double SloAttainment,
    double GoodputRequestsPerSecond,
    double ExpertWeightBytes,
    double DenseWeightBytes,
    double KvReadBytes,
    double KvWriteBytes,
    double TotalBytes,
    double ExpertBytesPerToken,
    double ExpertBytesPerOutputToken,
    double EnergyJoules,
    double EnergyPerTokenJoules,
    double EnergyPerOutputTokenJoules,
    int Iterations,
    int Preemptions,
    double MeanIterationSeconds,
    double BytesPerIteration,
    double MaxOutputTokensPerSecond = double.NaN,
    int MaxConcurrentRequests = 0)
{
    /// <summary>Requests that did not complete (refused, or cut off by an interruption): vLLM's "failed".</summary>
    public int Failed => Requests - Completed;

    /// <summary>Derives every metric from a run's timelines and iteration log.</summary>
    public static ServingMetrics From(RunResult run, Slo slo)
    {
        var served = run.Requests.Where(r => !r.Rejected).ToArray();
        var completed = served.Where(r => r.Completed).ToArray();
        double firstArrival = run.Requests.Count > 0 ? run.Requests.Min(r => r.ArrivalSeconds) : 0;
        double duration = Math.Max(run.EndSeconds - firstArrival, 1e-12);

        long promptTokens = completed.Sum(r => (long)r.PromptTokens);
        long outputTokens = served.Sum(r => (long)r.TokenTimesSeconds.Count);
        long tokens = promptTokens + outputTokens;

        var ttft = served.Where(r => r.FirstTokenSeconds.HasValue).Select(r => r.FirstTokenSeconds!.Value - r.ArrivalSeconds);
        var tpot = completed.Where(r => r.OutputTokens > 1)
            .Select(r => (r.FinishSeconds!.Value - r.FirstTokenSeconds!.Value) / (r.OutputTokens - 1));
        var itl = served.SelectMany(r => r.TokenTimesSeconds.Skip(1).Zip(r.TokenTimesSeconds, (later, earlier) => later - earlier));
        var e2el = completed.Select(r => r.FinishSeconds!.Value - r.ArrivalSeconds);
        int met = served.Count(slo.IsMetBy) + (slo.RejectedMeetSlo ? run.Requests.Count - served.Length : 0);

        var iterations = run.IterationTotals;
        var traffic = iterations.Traffic;
        // An executor that measures no energy (real kernels on a CPU) reports 0 J: say "unknown", not "free".
        double energy = run.TotalEnergyJoules > 0 ? run.TotalEnergyJoules : double.NaN;
        return new ServingMetrics(
            Requests: run.Requests.Count,
            Completed: completed.Length,
            Rejected: run.Requests.Count - served.Length,
            DurationSeconds: duration,
            PromptTokens: promptTokens,
            OutputTokens: outputTokens,
            RequestThroughput: completed.Length / duration,
            OutputThroughput: outputTokens / duration,
            TotalTokenThroughput: tokens / duration,
            Ttft: LatencySummary.FromSeconds(ttft),
            Tpot: LatencySummary.FromSeconds(tpot),
            Itl: LatencySummary.FromSeconds(itl),
            E2el: LatencySummary.FromSeconds(e2el),
            SloMet: met,
            SloAttainment: run.Requests.Count > 0 ? (double)met / run.Requests.Count : double.NaN,
            GoodputRequestsPerSecond: met / duration,
            ExpertWeightBytes: traffic.ExpertWeightBytes,
            DenseWeightBytes: traffic.DenseWeightBytes,
            KvReadBytes: traffic.KvReadBytes,
            KvWriteBytes: traffic.KvWriteBytes,
            TotalBytes: traffic.TotalBytes,
            ExpertBytesPerToken: tokens > 0 ? traffic.ExpertWeightBytes / tokens : double.NaN,
            ExpertBytesPerOutputToken: outputTokens > 0 ? traffic.ExpertWeightBytes / outputTokens : double.NaN,
            EnergyJoules: energy,
            EnergyPerTokenJoules: tokens > 0 ? energy / tokens : double.NaN,
            EnergyPerOutputTokenJoules: outputTokens > 0 ? energy / outputTokens : double.NaN,
            Iterations: iterations.Count,
            Preemptions: served.Sum(r => r.Preemptions),
            MeanIterationSeconds: iterations.Count > 0 ? iterations.DurationSeconds / iterations.Count : double.NaN,
            BytesPerIteration: iterations.Count > 0 ? traffic.TotalBytes / iterations.Count : double.NaN,
            MaxOutputTokensPerSecond: PeakTokensPerSecond(completed),
            MaxConcurrentRequests: PeakConcurrency(completed));
    }

    /// <summary>vLLM's max_output_tokens_per_s: tokens of the completed requests counted in one-second buckets from the first send.</summary>
    private static double PeakTokensPerSecond(IReadOnlyList<RequestTimeline> completed)
    {
        if (completed.Count == 0) return 0;
        double start = completed.Min(r => r.ArrivalSeconds);
        var buckets = new Dictionary<long, int>();
        foreach (var r in completed)
            foreach (double t in r.TokenTimesSeconds)
            {
                long bucket = (long)Math.Floor(t - start);
                buckets[bucket] = buckets.GetValueOrDefault(bucket) + 1;
            }
        return buckets.Count == 0 ? 0 : buckets.Values.Max();
    }

    /// <summary>The key vLLM calls max_concurrent_requests, as the exact peak of completed requests in flight over half-open
    /// [sent, finished) intervals; vLLM's own one-second buckets read the same or higher (the README says so beside the keys).</summary>
    private static int PeakConcurrency(IReadOnlyList<RequestTimeline> completed)
    {
        var events = completed.SelectMany(r => new[] { (Time: r.ArrivalSeconds, Delta: 1), (Time: r.FinishSeconds!.Value, Delta: -1) })
            .OrderBy(e => e.Time).ThenBy(e => e.Delta);
        int current = 0, peak = 0;
        foreach (var e in events) peak = Math.Max(peak, current += e.Delta);
        return peak;
    }
}

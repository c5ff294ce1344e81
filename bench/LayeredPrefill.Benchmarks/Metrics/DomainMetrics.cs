using LayeredPrefill.Metrics;

namespace LayeredPrefill.Benchmarks.Metrics;

/// <summary>The domain metric columns and how a serving run's metrics fill them.</summary>
public static class DomainMetrics
{
    /// <summary>Prefix of the deterministic metrics (the gate compares them exactly, within 1e-9).</summary>
    public const string SimulatedPrefix = "Sim.";

    /// <summary>Prefix of the metrics measured on this machine (reported, not gated: the timing test covers them).</summary>
    public const string MeasuredPrefix = "Measured.";

    public static readonly DomainMetricDescriptor TtftMean = new("Sim.TtftMeanMs", "TTFT mean ms", "Mean simulated time to first token (ms)", "F0", false, 0);
    public static readonly DomainMetricDescriptor TtftP99 = new("Sim.TtftP99Ms", "TTFT p99 ms", "99th percentile simulated time to first token (ms)", "F0", false, 1);
    public static readonly DomainMetricDescriptor ItlP99 = new("Sim.ItlP99Ms", "ITL p99 ms", "99th percentile simulated inter-token latency (ms)", "F1", false, 2);
    public static readonly DomainMetricDescriptor E2eMean = new("Sim.E2eMeanMs", "E2E mean ms", "Mean simulated end-to-end latency (ms)", "F0", false, 3);
    public static readonly DomainMetricDescriptor SloAttainment = new("Sim.SloAttainmentPercent", "SLO %", "Requests meeting both the TTFT and the ITL bound (%)", "F1", true, 4);
    public static readonly DomainMetricDescriptor ExpertGbPerToken = new("Sim.ExpertGbPerToken", "Expert GB/tok", "Expert weight bytes streamed per (prompt + output) token, in GB (1e9)", "F4", false, 5);
    public static readonly DomainMetricDescriptor JoulesPerToken = new("Sim.JoulesPerToken", "J/tok", "Simulated energy per (prompt + output) token (J)", "F3", false, 6);
    public static readonly DomainMetricDescriptor MbPerIteration = new("Sim.MbPerIteration", "MB/iter", "Bytes moved per iteration (weights, KV, activations), in MB (1e6)", "F0", false, 7);
    public static readonly DomainMetricDescriptor Iterations = new("Sim.Iterations", "Iterations", "Simulated iterations in one run", "F0", false, 8);
    // Real-kernel traffic is what the router chose for the tokens of the last iteration; decode tokens
    // follow the tokens generated so far, so it depends on how many iterations ran: reported, not gated.
    public static readonly DomainMetricDescriptor ExpertMb = new("Kernel.ExpertMb", "Expert MB", "Expert weight bytes the router's choices loaded in the last iteration, in MB (1e6)", "F2", false, 10);
    public static readonly DomainMetricDescriptor DistinctExperts = new("Kernel.DistinctExperts", "Experts", "Distinct experts loaded in the last iteration, summed over layers", "F0", false, 11);
    public static readonly DomainMetricDescriptor KernelMbPerIteration = new("Kernel.MbPerIteration", "MB/iter", "Bytes moved by the last iteration (weights, KV, activations), in MB (1e6)", "F0", false, 7);
    public static readonly DomainMetricDescriptor MoeMs = new("Measured.MoeMs", "MoE ms", "Measured time of the routed-expert part of the last iteration (ms)", "F3", false, 12);
    public static readonly DomainMetricDescriptor ExpertGb = new("Kernel.ExpertGb", "Expert GB", "Expert weight bytes the router's choices loaded over the whole operation, in GB (1e9)", "F2", false, 13);
    public static readonly DomainMetricDescriptor OperationIterations = new("Kernel.Iterations", "Iterations", "Iterations one operation runs", "F0", false, 14);
    public static readonly DomainMetricDescriptor Joules = new("Measured.Joules", "J (NVML)", "Board energy of the last operation, NVML's counter (J)", "F2", false, 15);
    public static readonly DomainMetricDescriptor IterationsPerSecond = new("Measured.IterationsPerSecond", "Iter/s", "Simulated iterations per wall-clock second (from the measured mean time)", "F0", true, 9);

    /// <summary>Every known descriptor, by id.</summary>
    public static IReadOnlyDictionary<string, DomainMetricDescriptor> ById { get; } =
        new[] { TtftMean, TtftP99, ItlP99, E2eMean, SloAttainment, ExpertGbPerToken, JoulesPerToken, MbPerIteration, Iterations, ExpertMb, DistinctExperts, KernelMbPerIteration, MoeMs, ExpertGb, OperationIterations, Joules, IterationsPerSecond }
            .ToDictionary(d => d.Id, StringComparer.Ordinal);

    /// <summary>The serving columns of one run, in their display units.</summary>
    public static Dictionary<string, double> FromServing(ServingMetrics m) => new(StringComparer.Ordinal)
    {
        [TtftMean.Id] = m.Ttft.MeanMs,
        [TtftP99.Id] = m.Ttft.P99Ms,
        [ItlP99.Id] = m.Itl.P99Ms,
        [E2eMean.Id] = m.E2el.MeanMs,
        [SloAttainment.Id] = m.SloAttainment * 100,
        [ExpertGbPerToken.Id] = m.ExpertBytesPerToken / 1e9,
        [JoulesPerToken.Id] = m.EnergyPerTokenJoules,
        [MbPerIteration.Id] = m.BytesPerIteration / 1e6,
        [Iterations.Id] = m.Iterations,
    };

    /// <summary>A descriptor for an id this build does not know (a newer benchmark); shown under its id.</summary>
    public static DomainMetricDescriptor Resolve(string id) =>
        ById.TryGetValue(id, out var known) ? known : new DomainMetricDescriptor(id, id, id, "G6", false, 100);
}

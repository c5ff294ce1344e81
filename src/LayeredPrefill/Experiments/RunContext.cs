using LayeredPrefill.Metrics;

namespace LayeredPrefill.Experiments;

/// <summary>
/// What a result file says about how a run was made beyond its spec: the label, what priced or ran the iterations and on what,
/// where the energy figure comes from, the goodput objectives, and the date.
/// </summary>
/// <param name="Label">vLLM's label; null takes the policy name.</param>
/// <param name="Executor">roofline or kernels.</param>
/// <param name="ExecutorBackend">roofline, or the kernel backend that ran (simd, ilgpu-cpu, ilgpu-cuda, ilgpu-opencl).</param>
/// <param name="ExecutorDevice">What the iterations were priced for or ran on: the device profile (h100-sxm × TP 2) or the backend's device (NVIDIA H200).</param>
/// <param name="EnergySource">Where energy_j comes from, or why it is empty.</param>
/// <param name="Date">When the run was made, written in vLLM's yyyyMMdd-HHmmss (null writes null).</param>
/// <param name="SloSource">Where the strict SLO's bounds come from, and when its attainment says nothing (real kernels on a CPU held to GPU bounds).</param>
public sealed record RunContext(string? Label, string Executor, string ExecutorBackend, string ExecutorDevice, string EnergySource,
    GoodputObjectives? Goodput, DateTimeOffset? Date, string SloSource = RunContext.PaperSlo)
{
    /// <summary>The SLO source of a run that took the paper's bounds.</summary>
    public const string PaperSlo = "the paper's (TTFT 10 s arXiv / 5 s ShareGPT; every gap 125 ms Qwen3 / 100 ms GPT-OSS)";

    /// <summary>Energy source of the roofline model.</summary>
    public const string RooflineEnergy = "roofline model: the device profile's pJ per byte moved and per FLOP, and its idle watts between iterations";

    /// <summary>The context of a roofline run of <paramref name="spec"/>.</summary>
    public static RunContext Roofline(ExperimentSpec spec, DateTimeOffset? date, GoodputObjectives? goodput = null, string? label = null) =>
        new(label, "roofline", "roofline", $"{spec.Device.Name} × TP {spec.TensorParallel}", RooflineEnergy, goodput, date);

    /// <summary>The date a result is stamped with: SOURCE_DATE_EPOCH (seconds, for byte-identical files) when set, else now (UTC).</summary>
    /// <remarks>A value that is set but not a date is refused in one line (<see cref="FromSourceDateEpoch"/>); call this before the work.</remarks>
    public static DateTimeOffset Now() => FromSourceDateEpoch(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH")) ?? DateTimeOffset.UtcNow;

    /// <summary>The date SOURCE_DATE_EPOCH's <paramref name="value"/> names, or null when it is unset or empty.</summary>
    /// <remarks>
    /// The reproducible-builds rule: an integer count of seconds since 1970 (UTC), as `date +%s` prints it, and a consumer fails on
    /// anything else rather than stamping a guess. The range is the one a date can have (years 1 to 9999).
    /// </remarks>
    public static DateTimeOffset? FromSourceDateEpoch(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (!LayeredPrefill.IO.PlainNumber.TryParseLong(value, out long seconds, out string why))
            throw new UserInputException($"SOURCE_DATE_EPOCH: {why} (seconds since 1970-01-01 UTC, as `date +%s` prints)");
        long earliest = DateTimeOffset.MinValue.ToUnixTimeSeconds(), latest = DateTimeOffset.MaxValue.ToUnixTimeSeconds();
        if (seconds < earliest || seconds > latest)
            throw new UserInputException($"SOURCE_DATE_EPOCH: {seconds} is out of range (seconds since 1970-01-01 UTC, from {earliest} to {latest})");
        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }
}

namespace LayeredPrefill.ResultsComparer;

/// <summary>How strict the gate is.</summary>
/// <param name="TimingThresholdPercent">A timing regresses only when it is slower by more than this (Mann–Whitney equivalence test).</param>
/// <param name="NoiseFloorMicroseconds">Median differences below this are noise, whatever the test says (tiny benchmarks jitter by microseconds).</param>
/// <param name="SignificanceLevel">Alpha of the one-sided Mann–Whitney tests.</param>
/// <param name="MetricRelativeTolerance">Deterministic (Sim.*) metrics must match within this relative difference.</param>
/// <param name="GateTimings">False on a machine unlike the baseline's: timings are reported, never fail.</param>
/// <param name="GateMetrics">False when the baseline is another build (a pull request's target branch): moved metrics are reported, never fail.</param>
/// <param name="WallClockTimingsReported">
/// Benchmark types (full-name prefixes) whose timings are shown but never fail: the multi-threaded real-kernel
/// cases, timed on the wall clock because their spinning workers make CPU time meaningless. On a shared 2-core
/// machine an unchanged tree moved them by −57% to +208% between two runs (2026-11-27), far past any threshold
/// that would still catch a 2× slowdown; the CPU-timed Serving and Simulator cases gate the code paths instead.
/// </param>
/// <param name="MinimumSamples">Fewer measured iterations than this cannot show a significant change; the gate refuses to judge.</param>
public sealed record GateOptions(
    double TimingThresholdPercent = 30,
    double NoiseFloorMicroseconds = 20,
    double SignificanceLevel = 0.01,
    double MetricRelativeTolerance = 1e-9,
    bool GateTimings = true,
    int MinimumSamples = 5,
    bool GateMetrics = true,
    IReadOnlyList<string>? WallClockTimingsReported = null)
{
    /// <summary>The real-kernel suites (see <see cref="WallClockTimingsReported"/>).</summary>
    public static readonly IReadOnlyList<string> KernelSuites =
        ["LayeredPrefill.Benchmarks.Suites.ExpertFfn.", "LayeredPrefill.Benchmarks.Suites.LayerGroupIteration."];

    /// <summary>True when the timing of <paramref name="fullName"/> gates.</summary>
    public bool GatesTimingOf(string fullName) =>
        GateTimings && !(WallClockTimingsReported ?? KernelSuites).Any(prefix => fullName.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Refuses settings that make the gate meaningless, naming the option.</summary>
    public GateOptions Validate()
    {
        if (!(TimingThresholdPercent > 0) || !double.IsFinite(TimingThresholdPercent))
            throw new UserInputException($"--threshold-percent must be > 0 (got {TimingThresholdPercent})");
        if (!(NoiseFloorMicroseconds >= 0) || !double.IsFinite(NoiseFloorMicroseconds))
            throw new UserInputException($"--noise-floor-us must be >= 0 (got {NoiseFloorMicroseconds})");
        if (!(SignificanceLevel > 0 && SignificanceLevel < 0.5))
            throw new UserInputException($"--alpha must be in (0, 0.5) (got {SignificanceLevel})");
        if (!(MetricRelativeTolerance >= 0) || !double.IsFinite(MetricRelativeTolerance))
            throw new UserInputException($"--metric-tolerance must be >= 0 (got {MetricRelativeTolerance})");
        return this;
    }
}

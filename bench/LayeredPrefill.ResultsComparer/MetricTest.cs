namespace LayeredPrefill.ResultsComparer;

/// <summary>The deterministic half of the gate: simulated metrics must not move.</summary>
public static class MetricTest
{
    /// <summary>Prefix of the deterministic metric ids (the benchmarks' convention).</summary>
    public const string DeterministicPrefix = "Sim.";

    /// <summary>True for metric ids the gate holds to the tolerance.</summary>
    public static bool IsDeterministic(string id) => id.StartsWith(DeterministicPrefix, StringComparison.Ordinal);

    /// <summary>Same when both are NaN, or they differ by at most the relative tolerance of the larger magnitude.</summary>
    public static Verdict Compare(double baseline, double now, GateOptions options)
    {
        if (double.IsNaN(baseline) && double.IsNaN(now)) return Verdict.Same;
        if (baseline == now) return Verdict.Same;
        double scale = Math.Max(Math.Abs(baseline), Math.Abs(now));
        if (Math.Abs(now - baseline) <= options.MetricRelativeTolerance * scale) return Verdict.Same;
        return options.GateMetrics ? Verdict.Changed : Verdict.ChangedNotGated;
    }
}

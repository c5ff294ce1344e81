namespace LayeredPrefill.ResultsComparer;

/// <summary>One line of the gate's table.</summary>
/// <param name="Benchmark">The case's full name.</param>
/// <param name="Metric">"time" (median per operation) or a metric id.</param>
/// <param name="Baseline">Baseline value (NaN when absent).</param>
/// <param name="Now">This run's value (NaN when absent).</param>
/// <param name="Unit">Unit of the two values, for display.</param>
public sealed record GateRow(string Benchmark, string Metric, double Baseline, double Now, string Unit, Verdict Verdict)
{
    /// <summary>Relative change now vs baseline (NaN when either is absent or the baseline is 0).</summary>
    public double RelativeChange => Baseline != 0 && double.IsFinite(Baseline) && double.IsFinite(Now) ? Now / Baseline - 1 : double.NaN;
}

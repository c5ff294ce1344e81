using LayeredPrefill.Execution;

namespace LayeredPrefill.Serving;

/// <summary>What the metrics need from the iterations, summed as they run: the log itself is kept only when asked for.</summary>
public sealed record IterationTotals(int Count, double DurationSeconds, Traffic Traffic, double Flops, double EnergyJoules)
{
    /// <summary>No iterations.</summary>
    public static IterationTotals Zero { get; } = new(0, 0, Traffic.Zero, 0, 0);

    /// <summary>These totals plus one iteration of <paramref name="cost"/>.</summary>
    public IterationTotals Add(IterationCost cost) =>
        new(Count + 1, DurationSeconds + cost.DurationSeconds, Traffic + cost.Traffic, Flops + cost.Flops, EnergyJoules + cost.EnergyJoules);

    /// <summary>The totals of a kept log.</summary>
    public static IterationTotals Of(IEnumerable<IterationRecord> log) =>
        log.Aggregate(Zero, (t, it) => new IterationTotals(t.Count + 1, t.DurationSeconds + it.DurationSeconds, t.Traffic + it.Traffic, t.Flops + it.Flops, t.EnergyJoules + it.EnergyJoules));
}

using LayeredPrefill.Execution;

namespace LayeredPrefill.Serving;

/// <summary>The raw outcome of one simulated serving run; metrics are derived from it.</summary>
/// <param name="IdleEnergyJoules">Energy the GPUs drew while no iteration ran (waiting for arrivals).</param>
/// <param name="GeneratedTokenIds">Per request, the token ids real kernels produced (empty under the roofline model).</param>
/// <param name="Iterations">The per-iteration log when the run kept it (empty otherwise: about 250 bytes an iteration add up over millions).</param>
/// <param name="Totals">Sums over every iteration, kept log or not; null takes them from <see cref="Iterations"/>.</param>
public sealed record RunResult(
    string Policy,
    string Executor,
    IReadOnlyList<RequestTimeline> Requests,
    IReadOnlyList<IterationRecord> Iterations,
    double EndSeconds,
    double IdleEnergyJoules,
    bool Interrupted,
    IReadOnlyDictionary<int, IReadOnlyList<int>> GeneratedTokenIds,
    IterationTotals? Totals = null)
{
    /// <summary>Sums over every iteration.</summary>
    public IterationTotals IterationTotals => Totals ?? IterationTotals.Of(Iterations);

    /// <summary>Energy of all iterations plus idle gaps.</summary>
    public double TotalEnergyJoules => IterationTotals.EnergyJoules + IdleEnergyJoules;
}

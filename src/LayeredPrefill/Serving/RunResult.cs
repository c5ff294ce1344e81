using LayeredPrefill.Execution;

namespace LayeredPrefill.Serving;

/// <summary>The raw outcome of one simulated serving run; metrics are derived from it.</summary>
/// <param name="IdleEnergyJoules">Energy the GPUs drew while no iteration ran (waiting for arrivals).</param>
/// <param name="GeneratedTokenIds">Per request, the token ids real kernels produced (empty under the roofline model).</param>
public sealed record RunResult(
    string Policy,
    string Executor,
    IReadOnlyList<RequestTimeline> Requests,
    IReadOnlyList<IterationRecord> Iterations,
    double EndSeconds,
    double IdleEnergyJoules,
    bool Interrupted,
    IReadOnlyDictionary<int, IReadOnlyList<int>> GeneratedTokenIds)
{
    /// <summary>Traffic over all iterations.</summary>
    public Traffic TotalTraffic => Iterations.Aggregate(Traffic.Zero, (sum, it) => sum + it.Traffic);

    /// <summary>Energy of all iterations plus idle gaps.</summary>
    public double TotalEnergyJoules => Iterations.Sum(it => it.EnergyJoules) + IdleEnergyJoules;
}

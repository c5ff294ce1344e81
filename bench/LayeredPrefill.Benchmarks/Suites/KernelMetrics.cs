using LayeredPrefill.Benchmarks.Metrics;
using LayeredPrefill.Execution;

namespace LayeredPrefill.Benchmarks.Suites;

/// <summary>The domain columns of one real-kernel iteration: the traffic the router actually caused, and the MoE share of the time.</summary>
public static class KernelMetrics
{
    /// <summary>Expert MB loaded, distinct experts, MB moved and the measured MoE milliseconds of the last iteration.</summary>
    public static Dictionary<string, double> From(IterationCost cost, IReadOnlyList<LayerCost> layers) => new(StringComparer.Ordinal)
    {
        [DomainMetrics.ExpertMb.Id] = cost.Traffic.ExpertWeightBytes / 1e6,
        [DomainMetrics.DistinctExperts.Id] = layers.Sum(l => l.DistinctExperts),
        [DomainMetrics.KernelMbPerIteration.Id] = cost.Traffic.TotalBytes / 1e6,
        [DomainMetrics.MoeMs.Id] = layers.Sum(l => l.MoeSeconds) * 1000,
    };
}

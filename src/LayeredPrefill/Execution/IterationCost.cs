namespace LayeredPrefill.Execution;

/// <summary>Per-layer detail of an iteration's cost.</summary>
/// <param name="DistinctExperts">Experts chosen by at least one token of the layer's batch (expected value under a roofline model).</param>
/// <param name="MoeSeconds">Time of the routed-expert part of the layer.</param>
/// <param name="AttentionSeconds">Time of the layer's attention kernels (prefill and decode); 0 where an executor does not time them apart.</param>
public sealed record LayerCost(int Layer, int Tokens, double DurationSeconds, double MoeSeconds, double DistinctExperts, double ExpertWeightBytes, double AttentionSeconds = 0);

/// <summary>What an iteration cost. Both executors fill every field; bytes and energy are summed over all TP GPUs.</summary>
/// <param name="TokenIds">Greedy token each emitting request produced (real kernels only; null under the roofline model).</param>
public sealed record IterationCost(
    double DurationSeconds,
    Traffic Traffic,
    double Flops,
    double EnergyJoules,
    IReadOnlyList<LayerCost>? Layers = null,
    IReadOnlyDictionary<int, int>? TokenIds = null);

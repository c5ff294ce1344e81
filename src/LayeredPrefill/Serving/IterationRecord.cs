using LayeredPrefill.Execution;

namespace LayeredPrefill.Serving;

/// <summary>One line of the per-iteration log.</summary>
/// <param name="PrefillLayerStart">First layer the prefill slices ran through (-1 when the iteration had no prefill).</param>
/// <param name="PrefillLayerEnd">One past the last such layer (-1 when none).</param>
public sealed record IterationRecord(
    int Index,
    double StartSeconds,
    double DurationSeconds,
    int DecodeTokens,
    int PrefillTokens,
    int PrefillRequests,
    int PrefillLayerStart,
    int PrefillLayerEnd,
    int EmittedTokens,
    int Preempted,
    long KvBlocksUsed,
    Traffic Traffic,
    double Flops,
    double EnergyJoules);

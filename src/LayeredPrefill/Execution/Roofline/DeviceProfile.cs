namespace LayeredPrefill.Execution.Roofline;

/// <summary>
/// One GPU as the roofline model sees it: peak rates, per-op-class efficiencies, interconnect
/// and energy constants. Presets live in <c>DeviceCatalog</c>; calibrated profiles load from JSON.
/// </summary>
/// <param name="MemoryBytes">Device memory of one GPU.</param>
/// <param name="PeakMemoryBytesPerSecond">Datasheet HBM bandwidth of one GPU.</param>
/// <param name="PeakMatrixFlopsPerSecond">Datasheet dense bf16 tensor-core rate of one GPU.</param>
/// <param name="InterconnectBytesPerSecond">Per-GPU unidirectional NVLink bandwidth used by all-reduces.</param>
/// <param name="InterconnectLatencySeconds">Fixed cost of one all-reduce.</param>
/// <param name="IdleWatts">Power of one GPU doing nothing (static power).</param>
/// <param name="DramPicojoulesPerByte">Energy to move one byte through HBM.</param>
/// <param name="PicojoulesPerFlop">Energy of one bf16 tensor-core FLOP.</param>
/// <param name="Source">Where the numbers come from (datasheet, calibration run with date and card).</param>
/// <param name="Shaped">Efficiencies measured for one weight-matrix size of an op class (a calibrated model's own projection
/// shapes); an op whose per-GPU weight bytes match one (within 0.5%) takes it instead of its class's.</param>
/// <param name="ExpertCurve">Routed-expert GEMM efficiency by tokens per loaded expert; null takes the ExpertGemm class's fixed one.</param>
/// <param name="PagedPrefillAttention">Efficiency of prefill attention in a batch where some prompt slice attends to context already in the
/// paged KV cache (a chunk after the first); null takes the Attention class's.</param>
/// <param name="Overhead">Engine time beyond the priced kernels (per iteration, per token and layer); null is none.</param>
public sealed record DeviceProfile(
    string Name,
    double MemoryBytes,
    double PeakMemoryBytesPerSecond,
    double PeakMatrixFlopsPerSecond,
    IReadOnlyDictionary<OpClass, OpEfficiency> Efficiency,
    double InterconnectBytesPerSecond,
    double InterconnectLatencySeconds,
    double IdleWatts,
    double DramPicojoulesPerByte,
    double PicojoulesPerFlop,
    string Source,
    IReadOnlyList<ShapedEfficiency>? Shaped = null,
    ExpertEfficiencyCurve? ExpertCurve = null,
    OpEfficiency? PagedPrefillAttention = null,
    EngineOverhead? Overhead = null)
{
    /// <summary>Relative tolerance when matching an op's weight bytes to a shaped entry.</summary>
    public const double ShapeTolerance = 0.005;

    /// <summary>Efficiency of <paramref name="op"/>.</summary>
    public OpEfficiency For(OpClass op) =>
        Efficiency.TryGetValue(op, out var e) ? e : throw new UserInputException($"device profile '{Name}': no efficiency for op class {op}");

    /// <summary>Efficiency of an <paramref name="op"/> whose weight matrix is <paramref name="weightBytes"/> per GPU: a matching shaped entry, else the class's.</summary>
    public OpEfficiency For(OpClass op, double weightBytes)
    {
        if (Shaped is not null)
            foreach (var s in Shaped)
                if (s.Op == op && Math.Abs(s.WeightBytes - weightBytes) <= ShapeTolerance * s.WeightBytes) return s.Efficiency;
        return For(op);
    }
}

/// <summary>The efficiency of <paramref name="Op"/> for weight matrices of <paramref name="WeightBytes"/> per GPU (e.g. a calibrated QKV projection).</summary>
public sealed record ShapedEfficiency(OpClass Op, double WeightBytes, OpEfficiency Efficiency);

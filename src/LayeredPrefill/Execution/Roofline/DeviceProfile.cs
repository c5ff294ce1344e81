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
    string Source)
{
    /// <summary>Efficiency of <paramref name="op"/>.</summary>
    public OpEfficiency For(OpClass op) =>
        Efficiency.TryGetValue(op, out var e) ? e : throw new UserInputException($"device profile '{Name}': no efficiency for op class {op}");
}

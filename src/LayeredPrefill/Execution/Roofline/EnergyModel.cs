namespace LayeredPrefill.Execution.Roofline;

/// <summary>Energy of an iteration: HBM bytes and FLOPs at the device's per-unit costs, plus the clocks-up floor of every GPU for its duration.</summary>
public static class EnergyModel
{
    private const double JoulesPerPicojoule = 1e-12;

    /// <summary>
    /// bytes × pJ/byte + FLOPs × pJ/FLOP + IdleWatts × GPUs × seconds, with bytes and FLOPs summed
    /// over all <paramref name="gpus"/> GPUs. Interconnect traffic is not charged (no per-byte figure for it).
    /// </summary>
    public static double Joules(DeviceProfile device, double totalBytes, double totalFlops, double durationSeconds, int gpus) =>
        totalBytes * device.DramPicojoulesPerByte * JoulesPerPicojoule
        + totalFlops * device.PicojoulesPerFlop * JoulesPerPicojoule
        + device.IdleWatts * gpus * durationSeconds;
}

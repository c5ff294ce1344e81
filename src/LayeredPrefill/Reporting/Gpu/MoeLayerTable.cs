namespace LayeredPrefill.Reporting.Gpu;

/// <summary>One batch size of the MoE-layer comparison: our kernels beside the peers timed in the same call, and our rates.</summary>
/// <param name="OursUs">Our MoE layer (gate/up, down, combine; routing excluded, as the peers'), median µs.</param>
/// <param name="TbS">Our TB/s (expert weights read) and <paramref name="TfS"/> our TF/s at that time.</param>
public sealed record MoeLayerRow(int Tokens, double OursUs, double TritonUs, double GroupedMmUs, double TbS, double TfS)
{
    /// <summary>Ours over the faster peer.</summary>
    public double RatioToBestPeer => OursUs / Math.Min(TritonUs, GroupedMmUs);
}

/// <summary>One Qwen3-30B-A3B MoE layer (bf16, TP 1) on one card: our kernels and the peers, same call.</summary>
public sealed record MoeLayerTable(string Card, string Driver, string Date, IReadOnlyList<MoeLayerRow> Rows)
{
    /// <summary>The table from a <c>gpu-moe-bench</c> result file and the peer script's log of the same call.</summary>
    public static MoeLayerTable From(string benchPath, string peerLogPath)
    {
        var ours = GpuRunFiles.ReadBench(benchPath);
        var (device, date) = GpuRunFiles.ReadBenchHeader(benchPath);
        var (ceilings, peers) = GpuRunFiles.ReadPeerLog(peerLogPath);
        int at = device.IndexOf("driver ", StringComparison.Ordinal);
        string driver = at < 0 ? "?" : device[(at + 7)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        var rows = peers.Where(p => ours.Any(t => t.Tokens == p.Tokens)).Select(p =>
        {
            var t = ours.First(x => x.Tokens == p.Tokens);
            return new MoeLayerRow(p.Tokens, t.MoeMicros, p.TritonMicros, p.GroupedMicros, t.TerabytesPerSecond, t.TeraflopsPerSecond);
        }).ToList();
        if (rows.Count == 0) throw new UserInputException($"{benchPath} and {peerLogPath} share no batch size");
        return new MoeLayerTable(ceilings.Card, driver, date, rows);
    }
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace LayeredPrefill.Reporting.Gpu;

/// <summary>One batch size of a <c>gpu-moe-bench</c> timing table.</summary>
public sealed record LayerTiming(int Tokens, double MoeMicros, double TerabytesPerSecond, double TeraflopsPerSecond, double CublasMicros);

/// <summary>One batch size of the peer script's table: vLLM's fused-MoE Triton kernel and torch._grouped_mm.</summary>
public sealed record PeerTiming(int Tokens, double TritonMicros, double GroupedMicros)
{
    /// <summary>The faster peer.</summary>
    public double BestMicros => Math.Min(TritonMicros, GroupedMicros);
}

/// <summary>The card's measured ceilings, as the peer script prints them.</summary>
public sealed record CardCeilings(string Card, double ReadTerabytesPerSecond, double GemmTeraflopsPerSecond);

/// <summary>Readers for the files one GPU call leaves in a results/gpu folder; a missing or malformed file is a user error naming it.</summary>
public static class GpuRunFiles
{
    /// <summary>The timing rows of a <c>gpu-moe-bench --output</c> JSON file.</summary>
    public static IReadOnlyList<LayerTiming> ReadBench(string path) =>
        GpuResultFile.Load<MoeBenchResult>(path).Timings.Select(t => new LayerTiming(t.Tokens, t.MoeUs, t.Tbs, t.Tfs, t.CublasUs)).ToArray();

    /// <summary>The device line (name, architecture, driver, …) and the UTC date a <c>gpu-moe-bench</c> result file records.</summary>
    public static (string Device, string Date) ReadBenchHeader(string path)
    {
        var r = GpuResultFile.Load<MoeBenchResult>(path);
        return (r.Device, r.Date);
    }

    /// <summary>The ceilings line and the timing rows of the peer script's console output.</summary>
    public static (CardCeilings Ceilings, IReadOnlyList<PeerTiming> Rows) ReadPeerLog(string path)
    {
        string[] lines = IO.BoundedFile.ReadAllText(path, IO.ReadLimits.ResultFile("the peer log")).Split('\n');
        CardCeilings? ceilings = null;
        var rows = new List<PeerTiming>();
        var ceilingPattern = new Regex(@"^(?<card>.+?)\s+read (?<read>[\d.]+) TB/s.*bf16 GEMM (?<gemm>[\d.]+) TF/s");
        // "     T experts  triton_us   TB/s   TF/s grouped_us   TB/s   TF/s" then one row per batch size.
        var rowPattern = new Regex(@"^\s*(?<t>\d+)\s+\d+\s+(?<triton>[\d.]+)\s+[\d.]+\s+\d+\s+(?<grouped>[\d.]+)\s+[\d.]+\s+\d+\s*$");
        foreach (var line in lines)
        {
            var c = ceilingPattern.Match(line);
            if (c.Success)
                ceilings = new CardCeilings(c.Groups["card"].Value.Trim(), D(c.Groups["read"].Value), D(c.Groups["gemm"].Value));
            var r = rowPattern.Match(line);
            if (r.Success)
                rows.Add(new PeerTiming(int.Parse(r.Groups["t"].Value, CultureInfo.InvariantCulture), D(r.Groups["triton"].Value), D(r.Groups["grouped"].Value)));
        }
        if (ceilings is null || rows.Count == 0)
            throw new UserInputException($"{path}: not the peer script's output (no ceilings line or no timing rows)");
        return (ceilings, rows);
    }

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
}

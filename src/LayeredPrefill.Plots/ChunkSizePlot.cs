using LayeredPrefill.Experiments;
using LayeredPrefill.Reporting.Reports;
using LayeredPrefill.Sweeps;

namespace LayeredPrefill.Plots;

/// <summary>The chunk-size figure: expert traffic and MoE time for one long prompt vs chunk size, simulated beside the paper's measurements.</summary>
public static class ChunkSizePlot
{
    /// <summary>Renders two grouped-bar images (GB and ms), ours and, where the chunk sizes match, the paper's.</summary>
    public static IReadOnlyList<PlotImage> Render(IReadOnlyList<ChunkSizeRow> rows, string what, string folder)
    {
        var paper = PaperReference.ChunkSize.ToDictionary(r => r.ChunkTokens);
        var labels = rows.Select(r => $"{r.ChunkTokens} ({r.Chunks} chunk{(r.Chunks == 1 ? "" : "s")})").ToArray();
        var gb = rows.Select((r, i) => new BarGroup(labels[i], [r.ExpertWeightBytes / 1e9, paper.TryGetValue(r.ChunkTokens, out var p) ? p.MoeWeightLoadGb : double.NaN])).ToArray();
        var ms = rows.Select((r, i) => new BarGroup(labels[i], [r.MoeSeconds * 1000, paper.TryGetValue(r.ChunkTokens, out var p) ? p.MoeKernelMs : double.NaN])).ToArray();
        string[] series = ["simulated (roofline)", "paper (measured, 2× H100)"];
        return
        [
            GroupedBarPlot.Render(gb, series, $"Expert weight traffic vs chunk size — {what}", "chunk size (tokens)", "MoE weight load (GB)", folder, "chunk-size-traffic", valueFormat: "0.0"),
            GroupedBarPlot.Render(ms, series, $"MoE time vs chunk size — {what}", "chunk size (tokens)", "MoE time (ms)", folder, "chunk-size-moe-time", valueFormat: "0.0"),
        ];
    }
}

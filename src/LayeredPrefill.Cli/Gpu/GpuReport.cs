using System.Globalization;
using System.Text;
using LayeredPrefill.IO;
using LayeredPrefill.Kernels.Cuda;
using LayeredPrefill.Execution.Roofline;
using LayeredPrefill.Plots;
using LayeredPrefill.Reporting.Gpu;
using LayeredPrefill.Reporting.Reports;

namespace LayeredPrefill.Cli.Gpu;

/// <summary>Plots and a Markdown index for one results/gpu call folder (what <c>gpu-report</c> writes).</summary>
/// <remarks>Lives in the CLI because it joins the CUDA result readers (Kernels) with the plots (Plots), which stay apart.</remarks>
public static class GpuReport
{
    /// <summary>The layer-time targets of issue 6: our time over the best peer's, at most, per batch size.</summary>
    public static readonly IReadOnlyDictionary<int, double> Targets = new Dictionary<int, double>
    {
        [1] = 1.5, [8] = 1.3, [32] = 1.2, [64] = 1.2, [128] = 1.2, [512] = 1.4, [2048] = 2.0, [8192] = 2.3,
    };

    /// <summary>
    /// Renders the plots of <paramref name="runFolder"/> into <paramref name="outFolder"/>: needs bench7.json and peer.log;
    /// bench4.json (the same-call control), serve7.json and a calibrated profile add their plots when present.
    /// </summary>
    public static IReadOnlyList<PlotImage> Render(string runFolder, string outFolder, string? profilePath)
    {
        string F(string name) => Path.Combine(runFolder, name);
        if (!Directory.Exists(runFolder)) throw new UserInputException($"--run: folder '{runFolder}' does not exist");
        var ours = GpuRunFiles.ReadBench(F("bench7.json"));
        var (ceilings, peers) = GpuRunFiles.ReadPeerLog(F("peer.log"));
        var control = File.Exists(F("bench4.json")) ? GpuRunFiles.ReadBench(F("bench4.json")) : null;
        string card = ceilings.Card;
        var images = new List<PlotImage>();

        var series = new List<(string, IReadOnlyList<(int, double)>)>
        {
            ("ours: kernel 7 (default)", ours.Select(t => (t.Tokens, t.MoeMicros)).ToArray()),
        };
        if (control is not null) series.Add(("kernel 4 (previous default), same call", control.Select(t => (t.Tokens, t.MoeMicros)).ToArray()));
        series.Add(("vLLM fused MoE (Triton), same call", peers.Select(p => (p.Tokens, p.TritonMicros)).ToArray()));
        series.Add(("torch._grouped_mm, same call", peers.Select(p => (p.Tokens, p.GroupedMicros)).ToArray()));
        if (ours.Any(t => double.IsFinite(t.CublasMicros)))
            series.Add(("cuBLAS, one GEMM per expert", ours.Where(t => double.IsFinite(t.CublasMicros)).Select(t => (t.Tokens, t.CublasMicros)).ToArray()));
        images.Add(GpuPlots.LayerTime(series, card, outFolder));

        var ratios = peers.Where(p => Targets.ContainsKey(p.Tokens) && ours.Any(t => t.Tokens == p.Tokens))
            .Select(p => (p.Tokens, ours.First(t => t.Tokens == p.Tokens).MoeMicros / p.BestMicros, Targets[p.Tokens])).ToList();
        if (ratios.Count > 0) images.Add(GpuPlots.Ratio(ratios, card, outFolder));
        images.Add(GpuPlots.Rate(ours, t => t.TerabytesPerSecond, ceilings.ReadTerabytesPerSecond, "bandwidth", "TB/s", "bandwidth", card, outFolder));
        images.Add(GpuPlots.Rate(ours, t => t.TeraflopsPerSecond, ceilings.GemmTeraflopsPerSecond, "bf16 rate", "TF/s", "teraflops", card, outFolder));

        if (File.Exists(F("serve7.json")))
        {
            var serve = IterationCheck.ReadServeFile(F("serve7.json"));
            images.Add(GpuPlots.ServeIterations(serve.Prompt, serve.Layers,
                serve.Runs.Select(r => new ServeSeries(r.Policy, r.Decodes, r.Iterations, r.IterationMillis)).ToArray(), card, outFolder));
            string? profile = profilePath ?? (File.Exists(F("h100.json")) ? F("h100.json") : File.Exists(F("h200.json")) ? F("h200.json") : null);
            if (profile is not null)
            {
                var rows = IterationCheck.Predict(DeviceProfileJson.Load(profile), MoeShape.Qwen3, serve);
                var dots = rows.Select(r => new CalibrationDot(r.Policy, r.Decodes, r.MeasuredMillis, r.PredictedMillis)).ToArray();
                images.Add(GpuPlots.Calibration(dots, IterationCheck.Mape(rows), card, outFolder));
            }
        }

        var md = new StringBuilder();
        md.AppendLine($"# Plots of `{Path.GetFileName(Path.GetFullPath(runFolder).TrimEnd(Path.DirectorySeparatorChar))}` ({card})");
        md.AppendLine();
        md.AppendLine("Written by `layered-prefill gpu-report` from the JSON and logs of this call; every number is in those files.");
        foreach (var image in images)
        {
            md.AppendLine();
            md.AppendLine($"![{image.Caption}]({Path.GetFileName(image.PngPath)})");
        }
        AtomicFile.WriteAllText(Path.Combine(outFolder, "README.md"), md.ToString());
        return images;
    }
}

using System.Globalization;
using System.Text;
using LayeredPrefill.IO;
using LayeredPrefill.Execution.Calibration;
using LayeredPrefill.Plots;
using LayeredPrefill.Reporting.Gpu;
using LayeredPrefill.Reporting.Reports;

namespace LayeredPrefill.Cli.Gpu;

/// <summary>Plots and a Markdown index for one results/gpu call folder (what <c>gpu-report</c> writes).</summary>
/// <remarks>Lives in the CLI because it joins the CUDA result readers (Kernels) with the plots (Plots), which stay apart.</remarks>
public static class GpuReport
{
    /// <summary>The layer-time targets: our time over the best peer's in the same call, at most 1.1 below 512 tokens and 1.0 from 512.</summary>
    public static double Target(int tokens) => tokens >= 512 ? 1.0 : 1.1;

    /// <summary>
    /// Renders the plots of <paramref name="runFolder"/> into <paramref name="outFolder"/>: needs moe.json (`gpu-moe-bench --output`)
    /// and peers.log (the peer script, same call); calibration-report.json (`calibrate`) adds the predicted-vs-measured plot.
    /// </summary>
    public static IReadOnlyList<PlotImage> Render(string runFolder, string outFolder)
    {
        string F(string name) => Path.Combine(runFolder, name);
        if (!Directory.Exists(runFolder)) throw new UserInputException($"--run: folder '{runFolder}' does not exist");
        var ours = GpuRunFiles.ReadBench(F("moe.json"));
        var (ceilings, peers) = GpuRunFiles.ReadPeerLog(F("peers.log"));
        string card = ceilings.Card;
        var images = new List<PlotImage>();

        var series = new List<(string, IReadOnlyList<(int, double)>)>
        {
            ("ours: kernel 7 (mma.sync tile GEMM)", ours.Select(t => (t.Tokens, t.MoeMicros)).ToArray()),
        };
        series.Add(("vLLM fused MoE (Triton), same call", peers.Select(p => (p.Tokens, p.TritonMicros)).ToArray()));
        series.Add(("torch._grouped_mm, same call", peers.Select(p => (p.Tokens, p.GroupedMicros)).ToArray()));
        if (ours.Any(t => double.IsFinite(t.CublasMicros)))
            series.Add(("cuBLAS, one GEMM per expert", ours.Where(t => double.IsFinite(t.CublasMicros)).Select(t => (t.Tokens, t.CublasMicros)).ToArray()));
        images.Add(GpuPlots.LayerTime(series, card, outFolder));

        var ratios = peers.Where(p => ours.Any(t => t.Tokens == p.Tokens))
            .Select(p => (p.Tokens, ours.First(t => t.Tokens == p.Tokens).MoeMicros / p.BestMicros, Target(p.Tokens))).ToList();
        if (ratios.Count > 0) images.Add(GpuPlots.Ratio(ratios, card, outFolder));
        images.Add(GpuPlots.Rate(ours, t => t.TerabytesPerSecond, ceilings.ReadTerabytesPerSecond, "bandwidth", "TB/s", "bandwidth", card, outFolder));
        images.Add(GpuPlots.Rate(ours, t => t.TeraflopsPerSecond, ceilings.GemmTeraflopsPerSecond, "bf16 rate", "TF/s", "teraflops", card, outFolder));

        if (File.Exists(F("calibration-report.json")))
        {
            var report = GpuResultFile.Load<CalibrationReport>(F("calibration-report.json"));
            // Held out = the layered iterations (layers running different rows), as GpuCalibration decides; the rest were fitted.
            var dots = report.Iterations.Select(r => new CalibrationDot(r.HeldOut ? "held out (layered prefills)" : "fitted (decode steps, chunks, mixed batches)",
                r.MeasuredMillis, r.PredictedMillis)).ToArray();
            images.Add(GpuPlots.Calibration(dots, IterationPrediction.Mape(report.Iterations.Where(r => r.HeldOut)), card, outFolder));
        }

        // The comparison as one typed table (ours beside the peers of the same call), next to the plots.
        GpuResultFile.Save(Path.Combine(outFolder, "moe-layer.json"), MoeLayerTable.From(F("moe.json"), F("peers.log")));

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

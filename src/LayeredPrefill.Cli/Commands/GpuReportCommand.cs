using System.CommandLine;
using LayeredPrefill.Cli.Gpu;

namespace LayeredPrefill.Cli.Commands;

/// <summary>`gpu-report`: plots of one GPU results folder (no GPU needed).</summary>
internal static class GpuReportCommand
{
    internal static Command Create()
    {
        var run = new Option<string>("--run") { Description = "A results/gpu folder (moe.json and peers.log; calibration-report.json when present)", Required = true };
        var output = new Option<string?>("--output-dir") { Description = "Folder for the plots (default: <run>/plots)" };
        var cmd = new Command("gpu-report", "Plot one GPU results folder: layer time vs the peers and cuBLAS, ratio to the targets, TB/s and TF/s vs the card, calibration") { run, output };
        cmd.SetAction((parse, cancel) => CliHost.GuardAsync(() =>
        {
            string folder = parse.GetValue(run)!;
            if (!Directory.Exists(folder)) throw new LayeredPrefill.UserInputException($"--run: folder '{folder}' does not exist");
            string outFolder = parse.GetValue(output) ?? Path.Combine(folder, "plots");
            LayeredPrefill.IO.AtomicFile.EnsureWritable(Path.Combine(outFolder, "README.md"), "--output-dir");
            foreach (var image in GpuReport.Render(folder, outFolder))
                Console.WriteLine($"{image.PngPath}: {image.Caption}");
            return 0;
        }));
        return cmd;
    }
}

using System.CommandLine;
using LayeredPrefill.Cli.Gpu;

namespace LayeredPrefill.Cli.Commands;

/// <summary>`gpu-report`: plots of one GPU call's results (no GPU needed).</summary>
internal static class GpuReportCommand
{
    internal static Command Create()
    {
        var run = new Option<string>("--run") { Description = "A results/gpu call folder (bench7.json and peer.log; bench4.json, serve7.json and h100.json when present)", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for the plots (default: <run>/plots)", DefaultValueFactory = _ => "" };
        var profile = new Option<string>("--profile") { Description = "Calibrated profile for the predicted-vs-measured plot (default: the folder's h100.json or h200.json)", DefaultValueFactory = _ => "" };
        var cmd = new Command("gpu-report", "Plot one GPU call: layer time vs the peers and cuBLAS, ratio to the targets, TB/s and TF/s vs the card, serve iterations, calibration");
        foreach (var o in new Option[] { run, output, profile }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            string folder = parse.GetValue(run)!;
            if (!Directory.Exists(folder)) throw new LayeredPrefill.UserInputException($"--run: folder '{folder}' does not exist");
            string outFolder = parse.GetValue(output)!;
            if (outFolder.Length == 0) outFolder = Path.Combine(folder, "plots");
            LayeredPrefill.IO.AtomicFile.EnsureWritable(Path.Combine(outFolder, "README.md"), "--out");
            string p = parse.GetValue(profile)!;
            foreach (var image in GpuReport.Render(folder, outFolder, p.Length > 0 ? p : null))
                Console.WriteLine($"{image.PngPath}: {image.Caption}");
            return 0;
        });
        return cmd;
    }
}

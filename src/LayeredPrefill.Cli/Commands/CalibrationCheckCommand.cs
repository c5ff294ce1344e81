using System.CommandLine;
using System.Text.Json;
using LayeredPrefill.Kernels.Cuda;
using LayeredPrefill.Execution.Roofline;

namespace LayeredPrefill.Cli.Commands;

/// <summary>`calibration-check`: a calibrated profile's error on whole measured iterations it was not fitted to (no GPU needed).</summary>
internal static class CalibrationCheckCommand
{
    internal static Command Create()
    {
        var profile = new Option<string>("--profile") { Description = "DeviceProfile JSON written by `calibrate`", Required = true };
        var serve = new Option<string>("--serve") { Description = "Result JSON written by `gpu-serve-moe` on the same card", Required = true };
        var output = new Option<string>("--out") { Description = "JSON with every iteration, measured and predicted (optional)", DefaultValueFactory = _ => "" };
        var cmd = new Command("calibration-check", "Predict every iteration of a gpu-serve-moe run from a calibrated profile and report the error (held-out iteration shapes)");
        foreach (var o in new Option[] { profile, serve, output }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            string outPath = parse.GetValue(output)!;
            if (outPath.Length > 0) LayeredPrefill.IO.AtomicFile.EnsureWritable(outPath, "--out");
            var p = DeviceProfileJson.Load(parse.GetValue(profile)!);
            var file = IterationCheck.ReadServeFile(parse.GetValue(serve)!);
            var rows = IterationCheck.Predict(p, MoeShape.Qwen3, file);
            Console.WriteLine($"{p.Name} vs {file.Device}: {file.Layers} layers, prompt {file.Prompt}, chunk {file.Chunk}, layered G={file.Groups}");
            Console.WriteLine($"{"policy",-8} {"decodes",7} {"iters",5} {"measured_ms",12} {"predicted_ms",12} {"sum_err",8} {"MAPE",7} {"worst",7}");
            foreach (var g in rows.GroupBy(r => (r.Policy, r.Decodes)))
            {
                double m = g.Sum(r => r.MeasuredMillis), q = g.Sum(r => r.PredictedMillis);
                double worst = g.Max(r => Math.Abs(r.ErrorPercent));
                Console.WriteLine($"{g.Key.Policy,-8} {g.Key.Decodes,7} {g.Count(),5} {m,12:F2} {q,12:F2} {100 * (q - m) / m,7:F1}% {IterationCheck.Mape(g),6:F1}% {worst,6:F1}%");
            }
            double mape = IterationCheck.Mape(rows);
            Console.WriteLine($"all {rows.Count} iterations: MAPE {mape:F1}%");
            if (outPath.Length > 0)
            {
                LayeredPrefill.IO.AtomicFile.WriteAllText(outPath, JsonSerializer.Serialize(new
                {
                    profile = p.Name, profile_source = p.Source, serve_device = file.Device, file.Layers, file.Prompt, file.Chunk, file.Groups,
                    mape_percent = mape, iterations = rows,
                }, new JsonSerializerOptions { WriteIndented = true }));
                Console.WriteLine($"wrote {outPath}");
            }
            return 0;
        });
        return cmd;
    }
}

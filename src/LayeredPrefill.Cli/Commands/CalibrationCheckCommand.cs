using System.CommandLine;
using System.Globalization;
using LayeredPrefill.Cli.Options;
using LayeredPrefill.Execution.Calibration;
using LayeredPrefill.Execution.Roofline;
using LayeredPrefill.IO;
using LayeredPrefill.Models;
using LayeredPrefill.Reporting.Gpu;

namespace LayeredPrefill.Cli.Commands;

/// <summary>`calibration-check`: a device profile's error on every iteration a GPU calibration measured, priced by the roofline executor itself (no GPU needed).</summary>
internal static class CalibrationCheckCommand
{
    internal static Command Create()
    {
        var device = new Option<string>("--device") { Description = "Device preset or DeviceProfile JSON to check.", Required = true };
        var samples = new Option<string>("--samples") { Description = "Samples file written by `calibrate` on a GPU.", Required = true };
        var model = new Option<string>("--model") { Description = "Model preset the samples ran.", DefaultValueFactory = _ => "qwen3-30b-a3b" };
        var output = SharedOptions.Output("every iteration, measured and predicted, as JSON");
        var cmd = new Command("calibration-check", "Price every measured calibration iteration with a device profile and report the error (fitted and held-out iterations)")
            { device, samples, model, output };
        cmd.SetAction((parse, cancel) => CliHost.GuardAsync(() =>
        {
            string? outPath = parse.GetValue(output) is { } o ? AtomicFile.EnsureWritable(o, "--output") : null;
            var profile = DeviceCatalog.Resolve(parse.GetValue(device)!);
            var file = GpuResultFile.Load<CalibrationSamples>(parse.GetValue(samples)!);
            var m = ModelCatalog.GetOrReadConfig(parse.GetValue(model)!);
            var rows = GpuCalibration.Predict(file, m, profile);
            Console.WriteLine($"{profile.Name} vs {file.Device.Card} ({file.Device.Date}), {file.Model}");
            Console.WriteLine($"{"scenario",-40} {"iters",5} {"measured_ms",12} {"predicted_ms",12} {"sum_err",8} {"MAPE",7}");
            foreach (var g in rows.GroupBy(r => r.Scenario))
            {
                double me = g.Sum(r => r.MeasuredMillis), pr = g.Sum(r => r.PredictedMillis);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{g.Key,-40} {g.Count(),5} {me,12:F2} {pr,12:F2} {100 * (pr - me) / me,7:F1}% {IterationPrediction.Mape(g),6:F1}%"));
            }
            foreach (bool held in new[] { false, true })
            {
                var part = rows.Where(r => r.HeldOut == held).ToList();
                if (part.Count > 0)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{(held ? "held-out" : "fitted")} iterations: {part.Count}, MAPE {IterationPrediction.Mape(part):F1}%"));
            }
            if (outPath is not null)
            {
                GpuResultFile.Save(outPath, new CalibrationReport(file.Device, file.Model, Path.GetFileName(parse.GetValue(samples)!), [], rows));
                Console.Error.WriteLine($"wrote {outPath}");
            }
            return 0;
        }));
        return cmd;
    }
}

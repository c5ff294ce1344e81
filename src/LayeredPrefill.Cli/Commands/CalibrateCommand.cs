using LayeredPrefill.Cli.Options;
using System.CommandLine;
using System.Globalization;
using LayeredPrefill.Execution.Calibration;
using LayeredPrefill.Execution.Roofline;
using LayeredPrefill.IO;
using LayeredPrefill.Kernels;
using LayeredPrefill.Kernels.Cuda;
using LayeredPrefill.Kernels.Scenarios;
using LayeredPrefill.Models;
using LayeredPrefill.Reporting.Gpu;

namespace LayeredPrefill.Cli.Commands;

/// <summary>
/// `calibrate`: times the GPU executor's iterations over a grid of decode steps and prompt chunks (every op timed on its own
/// too), writes the samples, and fits a DeviceProfile to them that the simulator then uses; `--refit-from` fits again from
/// a samples file on a machine without a GPU.
/// </summary>
internal static class CalibrateCommand
{
    internal static Command Create()
    {
        var output = new Option<string?>("--output") { Description = "DeviceProfile JSON to write (default runs/devices/<card>.json; the committed profile is results/devices/<card>.json)." };
        var samplesOut = new Option<string>("--samples-output") { Description = "Every measured iteration (what --refit-from reads).", DefaultValueFactory = _ => "calibration-samples.json" };
        var details = new Option<string>("--details-output") { Description = "The fit's errors and every iteration's prediction.", DefaultValueFactory = _ => "calibration-report.json" };
        var refit = new Option<string?>("--refit-from") { Description = "Fit again, without a GPU, from a samples file an earlier calibrate wrote." };
        var basis = new Option<string>("--base-device") { Description = "Preset or profile whose peaks, memory and energy constants the fit keeps.", DefaultValueFactory = _ => "h200" };
        var model = new Option<string>("--model") { Description = "Model preset to calibrate with.", DefaultValueFactory = _ => "qwen3-30b-a3b" };
        var repeats = new Option<int>("--repeats") { Description = "Repeats of every iteration (medians are kept).", DefaultValueFactory = _ => 3 };
        var seed = SharedOptions.Seed("the weights and prompts");
        var cmd = new Command("calibrate", "Time the GPU executor's iterations and fit a DeviceProfile to them (or refit from a samples file)")
            { output, samplesOut, details, refit, basis, model, repeats, seed };
        cmd.SetAction((parse, cancel) => CliHost.GuardAsync(() =>
        {
            var m = ModelCatalog.GetOrReadConfig(parse.GetValue(model)!);
            var basisProfile = DeviceCatalog.Resolve(parse.GetValue(basis)!, "--base-device");
            string detailsPath = AtomicFile.EnsureWritable(parse.GetValue(details)!, "--details-output");
            CalibrationSamples samples;
            string samplesFile;
            if (parse.GetValue(refit) is { } from)
            {
                samples = GpuResultFile.Load<CalibrationSamples>(from);
                samplesFile = from;
            }
            else
            {
                int reps = parse.GetValue(repeats);
                if (reps is < 1 or > 100) throw new UserInputException($"--repeats must be in [1, 100] (got {reps})");
                samplesFile = AtomicFile.EnsureWritable(parse.GetValue(samplesOut)!, "--samples-output");
                BackendRegistry.RequireUsable(BackendRegistry.Cuda);
                var options = new EngineOptions(BackendRegistry.Cuda, parse.GetValue(seed), CalibrationRun.KvBlocks, MaxPositions: 16384 + 1024,
                    MaxBatchTokens: 8192 + CalibrationRun.ShortContextRequests + 16);
                using var executor = new KernelExecutor(m, options);
                var cuda = (CudaBackend)executor.Engine.Backend;
                var card = new GpuCard(cuda.Accelerator.Name, cuda.Accelerator.DriverVersion.ToString(), DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                double read = ReadBandwidth.Measure(cuda.Accelerator);
                Console.WriteLine($"{card.Card}, driver {card.Driver}: read bandwidth {read / 1e12:F2} TB/s");
                samples = CalibrationRun.Run(executor, cuda, card, read, reps, Console.WriteLine);
                GpuResultFile.Save(samplesFile, samples);
                Console.WriteLine($"wrote {samplesFile} ({samples.Iterations.Count} iterations)");
            }
            // A user's fit goes to the ignored runs/ folder; the committed results/devices profiles are rewritten only when named.
            string outPath = AtomicFile.EnsureWritable(parse.GetValue(output) ?? Path.Combine(ResultsOptions.DefaultRoot, "devices",
                samples.Device.Card.Contains("H200", StringComparison.OrdinalIgnoreCase) ? "h200.json" : "gpu.json"), "--output");
            string source = $"calibrated {samples.Device.Date} on {samples.Device.Card} (driver {samples.Device.Driver}) by `calibrate` from {Path.GetFileName(samplesFile)}: " +
                $"every op class fitted to the ilgpu-cuda executor's own kernels ({samples.Model}, bf16, tensor cores), the routed experts with a " +
                "tokens-per-expert curve, the host phases as engine overhead; peaks and energy constants from the datasheet basis";
            var fit = GpuCalibration.Fit(samples, m, basisProfile, $"{samples.Device.Card} (ilgpu-cuda executor, calibrated)", source);
            DeviceProfileJson.Save(fit.Profile, outPath);
            GpuResultFile.Save(detailsPath, new CalibrationReport(samples.Device, samples.Model, Path.GetFileName(samplesFile), fit.Errors, fit.Iterations));
            foreach (var e in fit.Errors)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{e.Name,-24} MAPE {e.TrainMape,6:F1}% over {e.Samples,3} fitted samples{(e.HeldOutSamples > 0 ? $", held out {e.HeldOutMape:F1}% over {e.HeldOutSamples}" : "")}"));
            Console.WriteLine($"wrote {outPath} and {detailsPath}");
            return 0;
        }));
        return cmd;
    }
}

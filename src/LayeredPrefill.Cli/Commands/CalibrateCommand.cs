using LayeredPrefill.Cli.Options;
using LayeredPrefill.Execution.Roofline;
using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using LayeredPrefill.Kernels.Cuda;

namespace LayeredPrefill.Cli.Commands;

/// <summary>`calibrate`: measures op times over a grid of shapes on the GPU and writes a fitted DeviceProfile JSON.</summary>
internal static class CalibrateCommand
{
    internal static Command Create()
    {
        var output = new Option<string>("--out") { Description = "DeviceProfile JSON to write (default results/devices/<h100|h200>.json)", DefaultValueFactory = _ => "" };
        var details = new Option<string>("--details") { Description = "JSON with every measured point and the fit errors", DefaultValueFactory = _ => "calibration-details.json" };
        var seed = new Option<int>("--seed") { Description = "Seed", DefaultValueFactory = _ => 3 };
        var refit = new Option<string>("--refit-from") { Description = "Fit again, without a GPU, from the points of a details file an earlier calibrate wrote (needs --base)", DefaultValueFactory = _ => "" };
        var baseProfile = new Option<string>("--base") { Description = "With --refit-from: the profile that calibration wrote (its card, peaks and energy constants are kept)", DefaultValueFactory = _ => "" };
        var kernel = GpuKernelOption.Create();
        var cmd = new Command("calibrate", "Measure op times on the GPU and fit a DeviceProfile (held-out shapes report the error)");
        foreach (var o in new Option[] { kernel, output, details, seed, refit, baseProfile }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            string from = parse.GetValue(refit)!;
            if (from.Length > 0) return Refit(from, parse.GetValue(baseProfile)!, parse.GetValue(output)!, parse.GetValue(details)!);
            return Run(parse.GetValue(output)!, parse.GetValue(details)!, parse.GetValue(seed), parse.GetValue(kernel));
        });
        return cmd;
    }

    private static int Refit(string detailsIn, string basePath, string outPath, string detailsOut)
    {
        if (basePath.Length == 0) throw new LayeredPrefill.UserInputException("--refit-from needs --base (the profile that calibration wrote)");
        if (outPath.Length == 0) throw new LayeredPrefill.UserInputException("--refit-from needs --out");
        LayeredPrefill.IO.AtomicFile.EnsureWritable(outPath, "--out");
        LayeredPrefill.IO.AtomicFile.EnsureWritable(detailsOut, "--details");
        var old = DeviceProfileJson.Load(basePath);
        var points = DeviceCalibrator.ReadDetails(detailsIn);
        string source = old.Source + $"; refit on the host from {Path.GetFileName(detailsIn)} by `calibrate --refit-from` (dense GEMMs fitted per shape)";
        var (profile, errors) = DeviceCalibrator.Fit(points, old.Name, old.MemoryBytes, old.PeakMemoryBytesPerSecond, old.PeakMatrixFlopsPerSecond, old.IdleWatts, source);
        profile = profile with
        {
            InterconnectBytesPerSecond = old.InterconnectBytesPerSecond, InterconnectLatencySeconds = old.InterconnectLatencySeconds,
            DramPicojoulesPerByte = old.DramPicojoulesPerByte, PicojoulesPerFlop = old.PicojoulesPerFlop,
        };
        return Write(profile, errors, points, outPath, detailsOut, $"refit of {detailsIn}", DateTime.UtcNow.ToString("yyyy-MM-dd"));
    }

    private static int Run(string outPath, string detailsPath, int seed, int kernelVersion)
    {
        using var session = CudaSession.Open();
        var acc = session.Accelerator;
        Console.WriteLine(session.Describe());
        using var nvml = NvmlEnergy.TryOpen(0, out _);
        double idleWatts = nvml?.Watts() ?? double.NaN;
        bool h200 = acc.Name.Contains("H200", StringComparison.OrdinalIgnoreCase);
        // Datasheet peaks (SXM): the fitted fractions are relative to these.
        double peakBw = h200 ? 4.8e12 : 3.35e12, peakFlops = 989e12;
        var blas = Cublas.TryCreate(CublasMoeBaseline.StreamOf(acc), out var why);
        if (blas is null) Console.WriteLine($"cuBLAS: {why}; dense GEMMs not calibrated");
        var points = DeviceCalibrator.Measure(session, kernelVersion, blas, new Random(seed), Console.WriteLine);
        blas?.Dispose();
        string date = DateTime.UtcNow.ToString("yyyy-MM-dd");
        string source = $"calibrated {date} on {acc.Name} (driver CUDA {acc.DriverVersion}) by `calibrate`: ExpertGemm and Router from the ILGPU tensor-core MoE kernels, DenseGemm/LmHead from cuBLAS (DenseGemm also per measured shape); Attention and Elementwise are defaults, not measured; interconnect and energy constants from datasheets";
        var (profile, errors) = DeviceCalibrator.Fit(points, h200 ? "H200-SXM-141GB (calibrated)" : "H100-SXM-80GB (calibrated)",
            acc.MemorySize, peakBw, peakFlops, double.IsFinite(idleWatts) ? idleWatts : 75, source);
        if (outPath.Length == 0) outPath = Path.Combine("results", "devices", h200 ? "h200.json" : "h100.json");
        return Write(profile, errors, points, outPath, detailsPath, session.Describe(), date);
    }

    private static int Write(DeviceProfile profile, IReadOnlyList<DeviceCalibrator.FitError> errors, IReadOnlyList<CalibrationPoint> points,
        string outPath, string detailsPath, string device, string date)
    {
        foreach (var e in errors)
            Console.WriteLine($"{e.Name,-26} MAPE train {e.TrainMape:F1}%  held-out {e.HeldOutMape:F1}%");
        foreach (var op in Enum.GetValues<OpClass>())
            Console.WriteLine($"{op,-12} compute {profile.For(op).ComputeFraction:F3} memory {profile.For(op).MemoryFraction:F3} overhead {profile.For(op).LaunchOverheadSeconds * 1e6:F1} us");
        foreach (var s in profile.Shaped ?? [])
            Console.WriteLine($"{s.Op} {s.WeightBytes / 1e6:F1} MB  compute {s.Efficiency.ComputeFraction:F3} memory {s.Efficiency.MemoryFraction:F3} overhead {s.Efficiency.LaunchOverheadSeconds * 1e6:F1} us");
        var options = new JsonSerializerOptions { WriteIndented = true, Converters = { new JsonStringEnumConverter() }, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
        // A fitted fraction above 1 means the op's counted bytes were partly served from L2; the loader
        // only takes physical fractions, so clamp and keep the fit's error in the details file.
        static OpEfficiency Clamp(OpEfficiency e) => e with { ComputeFraction = Math.Min(1, e.ComputeFraction), MemoryFraction = Math.Min(1, e.MemoryFraction) };
        var loadable = profile with
        {
            Efficiency = profile.Efficiency.ToDictionary(kv => kv.Key, kv => Clamp(kv.Value)),
            Shaped = profile.Shaped?.Select(s => s with { Efficiency = Clamp(s.Efficiency) }).ToList(),
        };
        DeviceProfileJson.Save(loadable, outPath);
        LayeredPrefill.IO.AtomicFile.WriteAllText(detailsPath, JsonSerializer.Serialize(new
        {
            device, date, points = points.Select(p => new { op = p.Op.ToString(), p.Shape, p.Sample.Flops, p.Sample.Bytes, p.Sample.Seconds, p.HeldOut }),
            errors = errors.ToDictionary(e => e.Name, e => new { train_mape_percent = e.TrainMape, held_out_mape_percent = e.HeldOutMape }),
        }, options));
        Console.WriteLine($"wrote {outPath} and {detailsPath}");
        return 0;
    }
}

using LayeredPrefill.Execution.Roofline;
using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using LayeredPrefill.Execution.Kernels.Cuda;

namespace LayeredPrefill.Cli.Commands;

/// <summary>`calibrate`: measures op times over a grid of shapes on the GPU and writes a fitted DeviceProfile JSON.</summary>
internal static class CalibrateCommand
{
    internal static Command Create()
    {
        var output = new Option<string>("--out") { Description = "DeviceProfile JSON to write (default results/devices/<h100|h200>.json)", DefaultValueFactory = _ => "" };
        var details = new Option<string>("--details") { Description = "JSON with every measured point and the fit errors", DefaultValueFactory = _ => "calibration-details.json" };
        var seed = new Option<int>("--seed") { Description = "Seed", DefaultValueFactory = _ => 3 };
        var kernel = GpuKernelOption.Create();
        var cmd = new Command("calibrate", "Measure op times on the GPU and fit a DeviceProfile (held-out shapes report the error)");
        foreach (var o in new Option[] { kernel, output, details, seed }) cmd.Options.Add(o);
        cmd.SetAction(parse => Run(parse.GetValue(output)!, parse.GetValue(details)!, parse.GetValue(seed), parse.GetValue(kernel)));
        return cmd;
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
        string source = $"calibrated {date} on {acc.Name} (driver CUDA {acc.DriverVersion}) by `calibrate`: ExpertGemm and Router from the ILGPU tensor-core MoE kernels, DenseGemm/LmHead from cuBLAS; Attention and Elementwise are defaults, not measured; interconnect and energy constants from datasheets";
        var (profile, errors) = DeviceCalibrator.Fit(points, h200 ? "H200-SXM-141GB (calibrated)" : "H100-SXM-80GB (calibrated)",
            acc.MemorySize, peakBw, peakFlops, double.IsFinite(idleWatts) ? idleWatts : 75, source);
        foreach (var (op, (train, held)) in errors)
            Console.WriteLine($"{op,-12} compute {profile.For(op).ComputeFraction:F3} memory {profile.For(op).MemoryFraction:F3} overhead {profile.For(op).LaunchOverheadSeconds * 1e6:F1} us   MAPE train {train:F1}%  held-out {held:F1}%");
        if (outPath.Length == 0) outPath = Path.Combine("results", "devices", h200 ? "h200.json" : "h100.json");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
        var options = new JsonSerializerOptions { WriteIndented = true, Converters = { new JsonStringEnumConverter() }, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
        // A fitted fraction above 1 means the op's counted bytes were partly served from L2; the loader
        // only takes physical fractions, so clamp and keep the fit's error in the details file.
        var loadable = profile with
        {
            Efficiency = profile.Efficiency.ToDictionary(kv => kv.Key, kv => kv.Value with
            {
                ComputeFraction = Math.Min(1, kv.Value.ComputeFraction),
                MemoryFraction = Math.Min(1, kv.Value.MemoryFraction),
            }),
        };
        DeviceProfileJson.Save(loadable, outPath);
        File.WriteAllText(detailsPath, JsonSerializer.Serialize(new
        {
            device = session.Describe(), date, points = points.Select(p => new { op = p.Op.ToString(), p.Shape, p.Sample.Flops, p.Sample.Bytes, p.Sample.Seconds, p.HeldOut }),
            errors = errors.ToDictionary(e => e.Key.ToString(), e => new { train_mape_percent = e.Value.TrainMape, held_out_mape_percent = e.Value.HeldOutMape }),
        }, options));
        Console.WriteLine($"wrote {outPath} and {detailsPath}");
        return 0;
    }
}

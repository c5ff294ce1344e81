using ILGPU;
using ILGPU.Runtime;
using LayeredPrefill.Execution.Roofline;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>Measured samples of one op class at one shape.</summary>
public sealed record CalibrationPoint(OpClass Op, string Shape, OpSample Sample, bool HeldOut);

/// <summary>
/// Measures op times on the GPU over a grid of shapes (the MoE layer's expert GEMMs and routing with
/// the tensor-core kernels; dense GEMMs through cuBLAS) and fits a <see cref="DeviceProfile"/>.
/// Every other shape of each grid is held out of the fit and used to report its error.
/// </summary>
public static class DeviceCalibrator
{
    /// <summary>Sweeps of the dense-GEMM grid; each point keeps its median.</summary>
    public const int DenseRounds = 3;

    /// <summary>Token counts of the grid.</summary>
    public static readonly int[] Tokens = { 1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144, 8192 };

    /// <summary>Runs the grid.</summary>
    public static List<CalibrationPoint> Measure(CudaSession session, int kernelVersion, Cublas? blas, Random rng, Action<string> log)
    {
        var shape = MoeShape.Qwen3;
        var acc = session.Accelerator;
        var layer = new CudaMoeLayer(session.Kernels, shape, kernelVersion);
        using var w = new MoeLayerWeights(session.Kernels, shape, 11);
        using var ws = new MoeWorkspace(session.Kernels, shape, Tokens.Max());
        var points = new List<CalibrationPoint>();
        for (int i = 0; i < Tokens.Length; i++)
        {
            int t = Tokens[i];
            bool held = i % 2 == 1;
            var x = MoeCheck.RandomInput(rng, t, shape.Hidden);
            ws.X.View.SubView(0, x.Length).CopyFromCPU(x);
            layer.Route(w, ws, t);
            acc.Synchronize();
            int active = ws.Counts.GetAsArray1D().Count(c => c > 0);
            var route = GpuTimer.Measure(() => layer.Route(w, ws, t), acc.Synchronize, 5, 0.02);
            var moe = GpuTimer.Measure(() => layer.Experts(w, ws, t), acc.Synchronize, 5, 0.02);
            points.Add(new CalibrationPoint(OpClass.ExpertGemm, $"T={t}", ExpertWork(shape, t, active) with { Seconds = moe.MedianMicros * 1e-6 }, held));
            points.Add(new CalibrationPoint(OpClass.Router, $"T={t}", RouterWork(shape, t) with { Seconds = route.MedianMicros * 1e-6 }, held));
            log($"T={t,5}: experts {moe.MedianMicros,9:F1} us ({active} distinct), routing {route.MedianMicros,7:F1} us");
        }
        if (blas is null) return points;
        // Dense GEMMs (attention projections of Qwen3-30B-A3B: qkv 2048→5120, o 4096→2048) through cuBLAS.
        int maxT = Tokens.Max();
        using var a = acc.Allocate1D<uint>((long)maxT * 4096 / 2);
        using var b = acc.Allocate1D<uint>(5120L * 4096 / 2);
        using var c = acc.Allocate1D<uint>((long)maxT * 5120 / 2);
        session.Kernels.FillUniform(acc.DefaultStream, (int)a.Length, a.View, 5, 0.5f);
        session.Kernels.FillUniform(acc.DefaultStream, (int)b.Length, b.View, 6, 0.02f);
        ulong pa = (ulong)a.NativePtr.ToInt64(), pb = (ulong)b.NativePtr.ToInt64(), pc = (ulong)c.NativePtr.ToInt64();
        // Small cuBLAS GEMMs take 8–16 µs and one calibration saw a ~1 s stretch 30% slower (pass 3 run 11: T = 4–12 at
        // 10.6–10.9 µs between 7.7 and 7.9): sweep the grid DenseRounds times and keep each point's median over the sweeps,
        // so a transient hits one sweep of a point, not the point.
        var shapes = new[] { (N: 5120, K: 2048), (N: 2048, K: 4096) };
        var rounds = new double[Tokens.Length, shapes.Length, DenseRounds];
        for (int round = 0; round < DenseRounds; round++)
            for (int i = 0; i < Tokens.Length; i++)
                for (int j = 0; j < shapes.Length; j++)
                {
                    int t = Tokens[i], n = shapes[j].N, kk = shapes[j].K;
                    rounds[i, j, round] = GpuTimer.Measure(() => blas.GemmRowMajorABt(pa, pb, pc, t, n, kk, false), acc.Synchronize, 5, 0.02).MedianMicros;
                }
        for (int i = 0; i < Tokens.Length; i++)
        {
            int t = Tokens[i];
            var medians = new double[shapes.Length];
            for (int j = 0; j < shapes.Length; j++)
            {
                var (n, kk) = shapes[j];
                medians[j] = Enumerable.Range(0, DenseRounds).Select(r => rounds[i, j, r]).Order().ElementAt(DenseRounds / 2);
                points.Add(new CalibrationPoint(OpClass.DenseGemm, $"T={t} N={n} K={kk}",
                    new OpSample(2.0 * t * n * kk, 2.0 * ((double)n * kk + (double)t * kk + (double)t * n), medians[j] * 1e-6), i % 2 == 1));
            }
            log($"T={t,5}: dense GEMMs {string.Join(", ", shapes.Select((sh, j) => $"{sh.N}x{sh.K} {medians[j],6:F1} us"))} (median of {DenseRounds} sweeps)");
        }
        return points;
    }

    /// <summary>Work of the expert part of one layer call: FLOPs, and bytes = the active experts' weights plus the
    /// activations in and out (bf16). <paramref name="activeExperts"/> may be fractional (an expectation).</summary>
    public static OpSample ExpertWork(MoeShape shape, int tokens, double activeExperts) =>
        new(shape.ExpertFlops(tokens), activeExperts * shape.ExpertBytes + tokens * (double)shape.Hidden * 6, 0);

    /// <summary>Work of routing one layer call: the router GEMM's FLOPs, its weights and the input rows.</summary>
    public static OpSample RouterWork(MoeShape shape, int tokens) =>
        new(2.0 * tokens * shape.Experts * shape.Hidden, 2.0 * shape.Experts * shape.Hidden + 2.0 * tokens * shape.Hidden, 0);

    /// <summary>Fit errors of one op class, or of one shape of the dense GEMMs (MAPE in percent).</summary>
    public sealed record FitError(string Name, double TrainMape, double HeldOutMape);

    /// <summary>
    /// Fits each measured op class on the training points, and each dense-GEMM shape on its own (cuBLAS picks a different
    /// kernel per shape: at T ≤ 128 the 4096→2048 projection took 11 µs and the larger 2048→5120 one 7.5 µs on an H100, which
    /// one class-wide efficiency cannot fit). Returns the profile (class entries plus one shaped entry per dense shape) and
    /// the errors of every class and shape, held-out points excluded from every fit.
    /// </summary>
    public static (DeviceProfile Profile, IReadOnlyList<FitError> Errors) Fit(
        IReadOnlyList<CalibrationPoint> points, string name, double memoryBytes, double peakBandwidth, double peakFlops,
        double idleWatts, string source)
    {
        var eff = new Dictionary<OpClass, OpEfficiency>();
        var errors = new List<FitError>();
        (OpEfficiency Fit, FitError Error) FitGroup(string label, IEnumerable<CalibrationPoint> group)
        {
            var train = group.Where(p => !p.HeldOut).Select(p => p.Sample).ToList();
            var test = group.Where(p => p.HeldOut).Select(p => p.Sample).ToList();
            var e = RooflineFit.Fit(train, peakFlops, peakBandwidth);
            return (e, new FitError(label, RooflineFit.Mape(e, train, peakFlops, peakBandwidth),
                test.Count > 0 ? RooflineFit.Mape(e, test, peakFlops, peakBandwidth) : double.NaN));
        }
        foreach (var group in points.GroupBy(p => p.Op))
        {
            var (e, error) = FitGroup(group.Key.ToString(), group);
            eff[group.Key] = e;
            errors.Add(error);
        }
        var shaped = new List<ShapedEfficiency>();
        var dense = points.Where(p => p.Op == OpClass.DenseGemm).ToList();
        if (dense.Count > 0)
        {
            var fits = new Dictionary<(int N, int K), OpEfficiency>();
            foreach (var group in dense.GroupBy(p => DenseShape(p.Shape)))
            {
                var (e, error) = FitGroup($"DenseGemm N={group.Key.N} K={group.Key.K}", group);
                fits[group.Key] = e;
                errors.Add(error);
                shaped.Add(new ShapedEfficiency(OpClass.DenseGemm, 2.0 * group.Key.N * group.Key.K, e));
            }
            // Every dense point priced by its own shape's fit: the error of the profile as the simulator uses it.
            double Mape(bool held) => 100 * dense.Where(p => p.HeldOut == held).Average(p =>
                Math.Abs(RooflineFit.Predict(fits[DenseShape(p.Shape)], p.Sample, peakFlops, peakBandwidth) - p.Sample.Seconds) / p.Sample.Seconds);
            errors.Add(new FitError("DenseGemm by shape", Mape(false), dense.Any(p => p.HeldOut) ? Mape(true) : double.NaN));
        }
        // Not measured here: keep stated defaults so the profile is complete; the source line says which are fitted.
        if (eff.TryGetValue(OpClass.DenseGemm, out var denseClass)) eff.TryAdd(OpClass.LmHead, denseClass);
        eff.TryAdd(OpClass.DenseGemm, new OpEfficiency(0.7, 0.8, 5e-6));
        eff.TryAdd(OpClass.LmHead, new OpEfficiency(0.7, 0.8, 5e-6));
        eff.TryAdd(OpClass.Attention, new OpEfficiency(0.5, 0.8, 5e-6));
        eff.TryAdd(OpClass.Elementwise, new OpEfficiency(0.1, 0.8, 3e-6));
        var profile = new DeviceProfile(name, memoryBytes, peakBandwidth, peakFlops, eff,
            InterconnectBytesPerSecond: 450e9, InterconnectLatencySeconds: 10e-6, IdleWatts: idleWatts,
            DramPicojoulesPerByte: 31.2, PicojoulesPerFlop: 0.71, Source: source, Shaped: shaped.Count > 0 ? shaped : null);
        return (profile, errors);
    }

    /// <summary>N and K of a dense-GEMM point's shape label ("T=64 N=5120 K=2048").</summary>
    internal static (int N, int K) DenseShape(string label)
    {
        int n = 0, k = 0;
        foreach (var part in label.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith("N=", StringComparison.Ordinal)) n = int.Parse(part[2..], System.Globalization.CultureInfo.InvariantCulture);
            if (part.StartsWith("K=", StringComparison.Ordinal)) k = int.Parse(part[2..], System.Globalization.CultureInfo.InvariantCulture);
        }
        if (n <= 0 || k <= 0) throw new UserInputException($"dense GEMM point '{label}' names no N and K");
        return (n, k);
    }

    /// <summary>The points of a details file that <c>calibrate</c> wrote (to refit without the GPU).</summary>
    public static List<CalibrationPoint> ReadDetails(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{path}: cannot read calibration details ({e.Message})");
        }
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(text);
            var list = new List<CalibrationPoint>();
            foreach (var p in doc.RootElement.GetProperty("points").EnumerateArray())
            {
                string op = p.GetProperty("op").GetString()!;
                if (Array.IndexOf(Enum.GetNames<OpClass>(), op) < 0) throw new UserInputException($"{path}: unknown op class '{op}'");
                var sample = new OpSample(p.GetProperty("Flops").GetDouble(), p.GetProperty("Bytes").GetDouble(), p.GetProperty("Seconds").GetDouble());
                if (!(sample.Seconds > 0) || !double.IsFinite(sample.Seconds)) throw new UserInputException($"{path}: a point has no positive time");
                list.Add(new CalibrationPoint(Enum.Parse<OpClass>(op), p.GetProperty("Shape").GetString()!, sample, p.GetProperty("HeldOut").GetBoolean()));
            }
            if (list.Count == 0) throw new UserInputException($"{path}: no calibration points");
            return list;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new UserInputException($"{path}: not a calibration details file ({e.Message})");
        }
    }
}

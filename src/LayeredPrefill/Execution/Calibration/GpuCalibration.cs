using LayeredPrefill.Metrics;
using LayeredPrefill.Execution.Roofline;
using LayeredPrefill.Models;
using LayeredPrefill.Reporting.Gpu;

namespace LayeredPrefill.Execution.Calibration;

/// <summary>The fit error of one op class (or dense shape, or the whole iteration), in percent (mean absolute percentage error).</summary>
/// <param name="Samples">Samples fitted (train) or checked (held out).</param>
public sealed record CalibrationError(string Name, int Samples, double TrainMape, int HeldOutSamples, double HeldOutMape);

/// <summary>A fitted profile and how well it fits.</summary>
public sealed record CalibrationFit(DeviceProfile Profile, IReadOnlyList<CalibrationError> Errors, IReadOnlyList<IterationPrediction> Iterations);

/// <summary>One calibration iteration: its measured wall time and what the fitted profile predicts for it.</summary>
public sealed record IterationPrediction(string Scenario, int Index, bool HeldOut, double MeasuredMillis, double PredictedMillis)
{
    /// <summary>Signed error in percent of the measurement.</summary>
    public double ErrorPercent => 100 * (PredictedMillis - MeasuredMillis) / MeasuredMillis;

    /// <summary>Mean absolute percentage error of <paramref name="predictions"/> (NaN for none): the one rule every calibration report uses.</summary>
    public static double Mape(IEnumerable<IterationPrediction> predictions) =>
        predictions.Select(p => Math.Abs(p.ErrorPercent)).DefaultIfEmpty(double.NaN).Average();
}

/// <summary>
/// Fits a <see cref="DeviceProfile"/> to a GPU executor from the iterations <c>calibrate</c> measured: every op the
/// <see cref="RooflineExecutor"/> prices is paired with the measured GPU time of the kernels that run it, and each op class
/// (each dense shape on its own) is fitted on the roofline's own bytes and FLOPs (<see cref="RooflineFit"/>); the routed
/// experts also get an efficiency curve over tokens per expert; the host phases (launching each layer, preparing and
/// finishing an iteration) become the profile's <see cref="EngineOverhead"/>. Op fits use the iterations whose layers all
/// run the same rows (decode steps and prompt chunks); layered iterations and the rest are held out and predicted whole.
/// </summary>
public static class GpuCalibration
{
    private const string QkvKernel = "qkv-proj", OKernel = "o-proj";

    /// <summary>Fits the profile named <paramref name="name"/> for <paramref name="model"/> on one GPU, keeping <paramref name="basis"/>'s
    /// peaks, memory and energy constants.</summary>
    public static CalibrationFit Fit(CalibrationSamples samples, MoeModel model, DeviceProfile basis, string name, string source)
    {
        RequireModel(samples, model);
        // Uniform routing, not the distinct experts the GPU measured in each iteration: the profile must price a plan as the
        // simulator does (which assumes uniform routing), so the fit absorbs the difference rather than hiding it from serving runs.
        var routing = UniformRouting.Instance;
        // The roofline's accounting of each iteration, priced with the basis (only bytes, FLOPs and slots are used).
        var work = samples.Iterations.Select(s => Trace(model, basis, routing, s)).ToArray();
        bool Uniform(IterationSample s) => GpuCalibration.Uniform(s, model);
        var train = samples.Iterations.Select((s, i) => (Sample: s, Ops: work[i])).Where(x => Uniform(x.Sample)).ToList();

        double peakF = basis.PeakMatrixFlopsPerSecond, peakB = basis.PeakMemoryBytesPerSecond;
        var errors = new List<CalibrationError>();
        var efficiency = new Dictionary<OpClass, OpEfficiency>(basis.Efficiency);
        // Per layer call: the roofline op's bytes and FLOPs, the measured kernels' seconds over the calls.
        List<OpSample> Calls(Func<RooflineOp, bool> op, IEnumerable<string> kernels, Func<IterationSample, bool>? only = null) =>
            train.Where(x => only?.Invoke(x.Sample) ?? true).Select(x =>
            {
                var ops = x.Ops.Where(op).ToList();
                double measured = kernels.Sum(k => x.Sample.OpSeconds.GetValueOrDefault(k));
                return ops.Count == 0 || measured <= 0 ? null : new OpSample(ops.Sum(o => o.Flops) / ops.Count, ops.Sum(o => o.Bytes) / ops.Count, measured / ops.Count);
            }).OfType<OpSample>().ToList();
        OpEfficiency FitClass(string label, List<OpSample> s, OpClass fallback)
        {
            if (s.Count == 0)
            {
                errors.Add(new CalibrationError(label + " (no samples: the basis's efficiency kept)", 0, double.NaN, 0, double.NaN));
                return basis.For(fallback);
            }
            // A fitted fraction above 1 means part of the counted bytes came from L2; the profile takes physical fractions.
            var e = RooflineFit.Fit(s, peakF, peakB);
            e = e with { ComputeFraction = Math.Min(1, e.ComputeFraction), MemoryFraction = Math.Min(1, e.MemoryFraction) };
            errors.Add(new CalibrationError(label, s.Count, RooflineFit.Mape(e, s, peakF, peakB), 0, double.NaN));
            return e;
        }

        // Elementwise: the two norms, RoPE with the KV write and the combine of each layer (the roofline prices them as one op).
        efficiency[OpClass.Elementwise] = FitClass("Elementwise", Calls(o => o.Class == OpClass.Elementwise && o.Layer >= 0,
            ["attn-norm", "ffn-norm", "rope+kv-write", "combine"]), OpClass.Elementwise);
        // Attention: decode steps (memory-bound) and prompt chunks (compute-bound) fit one class; mixed batches price two ops
        // where the GPU runs one launch, so they are held out.
        efficiency[OpClass.Attention] = FitClass("Attention", Calls(o => o.Class == OpClass.Attention, ["attention"],
            s => s.Plan.Prefills.Count == 0 || s.Plan.Decodes.Count == 0), OpClass.Attention);
        efficiency[OpClass.Router] = FitClass("Router", Calls(o => o.Class == OpClass.Router, ["router-gemm", "top-k", "sort", "scatter"]), OpClass.Router);
        var experts = Calls(o => o.Class == OpClass.ExpertGemm, ["gate-up", "down"]);
        efficiency[OpClass.ExpertGemm] = FitClass("ExpertGemm", experts, OpClass.ExpertGemm);
        // The LM head's kernels (final norm of the emitting rows, vocab GEMM, argmax) against the roofline's final norm and LM head.
        var lm = train.Select(x =>
        {
            var ops = x.Ops.SkipWhile(o => o.Layer < 0).Where(o => o.Layer < 0).ToList();
            double measured = x.Sample.OpSeconds.GetValueOrDefault("lm-head");
            return ops.All(o => o.Class != OpClass.LmHead) || measured <= 0 ? null : new OpSample(ops.Sum(o => o.Flops), ops.Sum(o => o.Bytes), measured);
        }).OfType<OpSample>().ToList();
        efficiency[OpClass.LmHead] = FitClass("LmHead", lm, OpClass.LmHead);

        // Dense projections, one fit per shape (their weight bytes name the shape in the profile).
        var shape = RooflineLayerShape.Of(model, 0, 1);
        var shaped = new List<ShapedEfficiency>();
        foreach (var (kernel, ordinal, weightBytes) in new[] { (QkvKernel, 0, shape.QkvWeightBytes), (OKernel, 1, shape.OWeightBytes) })
        {
            // A layer prices its dense GEMMs in order: the QKV projection first, then the output projection.
            var calls = train.Select(x =>
            {
                var ops = x.Ops.Where(o => o.Layer >= 0 && o.Class == OpClass.DenseGemm).GroupBy(o => o.Layer).Select(g => g.ElementAtOrDefault(ordinal)).OfType<RooflineOp>().ToList();
                double measured = x.Sample.OpSeconds.GetValueOrDefault(kernel);
                return ops.Count == 0 || measured <= 0 ? null : new OpSample(ops.Sum(o => o.Flops) / ops.Count, ops.Sum(o => o.Bytes) / ops.Count, measured / ops.Count);
            }).OfType<OpSample>().ToList();
            var e = FitClass($"DenseGemm {kernel}", calls, OpClass.DenseGemm);
            shaped.Add(new ShapedEfficiency(OpClass.DenseGemm, weightBytes, e));
        }

        // The routed experts' efficiency over tokens per expert: at each measured batch, the fraction that prices it exactly
        // (with the class's launch cost), so the curve carries what one roofline cannot (a small batch reads weights at a
        // lower rate than a large one computes).
        var curve = ExpertCurve(train, efficiency[OpClass.ExpertGemm], peakF, peakB);

        var overhead = FitOverhead(samples, model);
        var profile = basis with
        {
            Name = name, Efficiency = efficiency, Shaped = shaped, ExpertCurve = curve, PagedPrefillAttention = null, Overhead = overhead,
            Source = source,
        };

        // Whole iterations, every one of them, priced with the fitted profile: held-out ones were in no op fit.
        var predictions = Predict(samples, model, profile);
        double Mape(bool held) => IterationPrediction.Mape(predictions.Where(p => p.HeldOut == held));
        errors.Add(new CalibrationError("whole iterations", predictions.Count(p => !p.HeldOut), Mape(false), predictions.Count(p => p.HeldOut), Mape(true)));
        return new CalibrationFit(profile, errors, predictions);
    }

    /// <summary>Every measured iteration of <paramref name="samples"/> beside what <see cref="RooflineExecutor"/> with <paramref name="profile"/>
    /// prices it at; an iteration is held out when its layers do not all run the same rows (no op fit used it).</summary>
    public static IReadOnlyList<IterationPrediction> Predict(CalibrationSamples samples, MoeModel model, DeviceProfile profile)
    {
        RequireModel(samples, model);
        return samples.Iterations.Select(s =>
        {
            using var ex = new RooflineExecutor(model, profile, 1, UniformRouting.Instance);
            double predicted = ex.Execute(s.Plan.ToPlan()).DurationSeconds;
            return new IterationPrediction(s.Scenario, s.Index, !Uniform(s, model), s.WallSeconds * 1e3, predicted * 1e3);
        }).ToList();
    }

    // The samples' plans name layers and experts of the model they ran: priced as another model they give numbers that mean nothing.
    private static void RequireModel(CalibrationSamples samples, MoeModel model)
    {
        if (!string.Equals(samples.Model, model.Name, StringComparison.OrdinalIgnoreCase))
            throw new UserInputException($"--model: the samples ran {samples.Model}, not {model.Name} (pass --model {samples.Model})");
    }

    private static bool Uniform(IterationSample s, MoeModel model) => s.Plan.Prefills.All(p => p[3] == 0 && p[4] == model.Layers);

    private static RooflineOp[] Trace(MoeModel model, DeviceProfile basis, IExpertRouting routing, IterationSample sample)
    {
        var ops = new List<RooflineOp>();
        using var ex = new RooflineExecutor(model, basis, 1, routing) { Observer = ops.Add };
        ex.Execute(sample.Plan.ToPlan());
        return [.. ops];
    }

    private static ExpertEfficiencyCurve? ExpertCurve(IReadOnlyList<(IterationSample Sample, RooflineOp[] Ops)> train, OpEfficiency cls, double peakF, double peakB)
    {
        var points = new SortedDictionary<double, List<double>>();
        foreach (var (sample, ops) in train)
        {
            var calls = ops.Where(o => o.Class == OpClass.ExpertGemm && o.TokensPerExpert is > 0).ToList();
            double measured = sample.OpSeconds.GetValueOrDefault("gate-up") + sample.OpSeconds.GetValueOrDefault("down");
            if (calls.Count == 0 || measured <= 0) continue;
            double perCall = measured / calls.Count - cls.LaunchOverheadSeconds;
            var c = calls[0];
            double ideal = Math.Max(c.Bytes / peakB, c.Flops / peakF);
            if (!(perCall > 0) || !(ideal > 0)) continue;
            double tpe = Math.Round(c.TokensPerExpert!.Value, 3);
            (points.TryGetValue(tpe, out var list) ? list : points[tpe] = []).Add(Math.Clamp(ideal / perCall, 1e-4, 1));
        }
        if (points.Count == 0) return null;
        return new ExpertEfficiencyCurve(points.Select(kv => { double f = LatencySummary.Median(kv.Value); return new ExpertEfficiencyPoint(kv.Key, f, f); }).ToList(),
            "calibrated expert efficiency curve");
    }

    // Host time the GPU does not overlap: launching each layer's kernels (a layer waits for its launches when the GPU is
    // faster), and per iteration the preparation before the first launch and the read-back after the last, which grow with
    // the prompt tokens and the decode rows (their block tables and metadata).
    private static EngineOverhead FitOverhead(CalibrationSamples all, MoeModel model)
    {
        double dispatch = LatencySummary.Median(all.Iterations.Select(s => s.LaunchSeconds / Math.Max(1, ActiveLayers(s, model))));
        // prepare + read-back ≈ a + b·prompt tokens + c·sequences, fitted by least squares (held ≥ 0).
        var rows = all.Iterations.Select(s => (Y: s.PrepareSeconds + s.ReadbackSeconds,
            X: new[] { 1.0, s.Plan.Prefills.Sum(p => (double)p[2]), (double)(s.Plan.Decodes.Count + s.Plan.Prefills.Count) })).ToList();
        var beta = LeastSquares(rows.Select(r => r.X).ToArray(), rows.Select(r => r.Y).ToArray());
        return new EngineOverhead(GraphedIterationSeconds: Math.Max(0, beta[0]), EagerIterationSeconds: Math.Max(0, beta[0]), GraphMaxTokens: int.MaxValue,
            TokenLayerSeconds: 0, PrefillTokenHostSeconds: Math.Max(0, beta[1]), SequenceHostSeconds: Math.Max(0, beta[2]), LayerDispatchSeconds: dispatch);
    }

    private static int ActiveLayers(IterationSample s, MoeModel model) =>
        s.Plan.Decodes.Count > 0 ? model.Layers : s.Plan.Prefills.Select(p => p[4] - p[3]).DefaultIfEmpty(0).Max();

    // Normal equations for a handful of columns (3 here): (XᵀX)β = Xᵀy by Gaussian elimination.
    private static double[] LeastSquares(double[][] x, double[] y)
    {
        int n = x[0].Length;
        var a = new double[n, n + 1];
        for (int r = 0; r < x.Length; r++)
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++) a[i, j] += x[r][i] * x[r][j];
                a[i, n] += x[r][i] * y[r];
            }
        for (int i = 0; i < n; i++)
        {
            int p = i;
            for (int r = i + 1; r < n; r++) if (Math.Abs(a[r, i]) > Math.Abs(a[p, i])) p = r;
            for (int c = 0; c <= n; c++) (a[i, c], a[p, c]) = (a[p, c], a[i, c]);
            if (Math.Abs(a[i, i]) < 1e-300) continue;
            for (int r = 0; r < n; r++)
            {
                if (r == i) continue;
                double f = a[r, i] / a[i, i];
                for (int c = i; c <= n; c++) a[r, c] -= f * a[i, c];
            }
        }
        return Enumerable.Range(0, n).Select(i => Math.Abs(a[i, i]) < 1e-300 ? 0 : a[i, n] / a[i, i]).ToArray();
    }
}

using System.Text.Json;
using LayeredPrefill.Execution.Roofline;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>One iteration of a measured MoE-level serve run beside the time a calibrated profile predicts for it.</summary>
public sealed record IterationPrediction(string Policy, int Decodes, int Iteration, int LayerCalls, double MeasuredMillis, double PredictedMillis)
{
    /// <summary>Signed error of the prediction, in percent of the measurement.</summary>
    public double ErrorPercent => 100 * (PredictedMillis - MeasuredMillis) / MeasuredMillis;
}

/// <summary>
/// Checks a calibrated <see cref="DeviceProfile"/> on whole iterations it was not fitted to: the chunked and layered
/// iterations that <c>gpu-serve-moe</c> timed (many layer calls of different batch sizes each). The prediction prices
/// every layer call with the profile's Router and ExpertGemm efficiencies, as the roofline executor does, with the
/// uniform-routing expectation of distinct experts (the serve runs route random activations).
/// </summary>
public static class IterationCheck
{
    /// <summary>The serve file's shape of the run (what the schedules need) and its runs.</summary>
    public sealed record ServeFile(string Device, int Layers, int Prompt, int Chunk, int Groups, IReadOnlyList<ServeRun> Runs);

    /// <summary>One policy × decode-row count of a serve file: iteration times in repeat order.</summary>
    public sealed record ServeRun(string Policy, int Decodes, int Iterations, int Repeats, IReadOnlyList<double> IterationMillis);

    /// <summary>Reads the JSON <c>gpu-serve-moe</c> writes; a missing file or field is a user error.</summary>
    public static ServeFile ReadServeFile(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{path}: cannot read serve results ({e.Message})");
        }
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            JsonElement F(JsonElement e, string name) =>
                e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v : throw new UserInputException($"{path}: not a gpu-serve-moe result file (no '{name}')");
            var runs = F(root, "results").EnumerateArray().Select(r => new ServeRun(
                F(r, "Policy").GetString()!, F(r, "DecodeTokens").GetInt32(), F(r, "Iterations").GetInt32(),
                F(r, "Repeats").GetInt32(), F(r, "IterationMillis").EnumerateArray().Select(v => v.GetDouble()).ToArray())).ToArray();
            var file = new ServeFile(F(root, "device").GetString()!, F(root, "layers").GetInt32(), F(root, "prompt").GetInt32(),
                F(root, "chunk").GetInt32(), F(root, "groups").GetInt32(), runs);
            foreach (var r in runs)
            {
                if (r.Policy is not ("chunked" or "layered")) throw new UserInputException($"{path}: unknown policy '{r.Policy}'");
                if (r.IterationMillis.Count != r.Iterations * r.Repeats || r.Iterations == 0)
                    throw new UserInputException($"{path}: {r.Policy}/{r.Decodes} has {r.IterationMillis.Count} iteration times, expected {r.Iterations} × {r.Repeats}");
            }
            return file;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new UserInputException($"{path}: not a gpu-serve-moe result file ({e.Message})");
        }
    }

    /// <summary>Every iteration of every run of <paramref name="file"/>: measured (median over repeats) and predicted.</summary>
    public static IReadOnlyList<IterationPrediction> Predict(DeviceProfile profile, MoeShape shape, ServeFile file)
    {
        var list = new List<IterationPrediction>();
        foreach (var run in file.Runs)
        {
            var schedule = run.Policy == "chunked"
                ? MoeServeSchedule.Chunked(file.Prompt, file.Chunk, file.Layers)
                : MoeServeSchedule.Layered(file.Prompt, file.Groups, file.Layers);
            if (schedule.Count != run.Iterations)
                throw new UserInputException($"{run.Policy}/{run.Decodes}: the file has {run.Iterations} iterations, its schedule {schedule.Count}");
            for (int i = 0; i < schedule.Count; i++)
            {
                var times = Enumerable.Range(0, run.Repeats).Select(r => run.IterationMillis[r * run.Iterations + i]).OrderBy(v => v).ToArray();
                double measured = times[times.Length / 2];
                var rows = MoeServeSchedule.LayerRows(schedule[i], run.Decodes, file.Layers).ToArray();
                double seconds = rows.Sum(t => LayerSeconds(profile, shape, t));
                int calls = rows.Length;
                list.Add(new IterationPrediction(run.Policy, run.Decodes, i, calls, measured, seconds * 1e3));
            }
        }
        return list;
    }

    /// <summary>Predicted seconds of one MoE layer call (routing, then the experts) of <paramref name="tokens"/> rows.</summary>
    public static double LayerSeconds(DeviceProfile profile, MoeShape shape, int tokens)
    {
        double f = profile.PeakMatrixFlopsPerSecond, b = profile.PeakMemoryBytesPerSecond;
        double active = UniformRouting.Expected(tokens, shape.Experts, shape.TopK);
        return RooflineFit.Predict(profile.For(OpClass.Router), DeviceCalibrator.RouterWork(shape, tokens), f, b)
            + RooflineFit.Predict(profile.For(OpClass.ExpertGemm), DeviceCalibrator.ExpertWork(shape, tokens, active), f, b);
    }

    /// <summary>Mean absolute percentage error of <paramref name="predictions"/>.</summary>
    public static double Mape(IEnumerable<IterationPrediction> predictions) => predictions.Average(p => Math.Abs(p.ErrorPercent));
}

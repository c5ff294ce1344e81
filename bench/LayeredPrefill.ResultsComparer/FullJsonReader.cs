using System.Text.Json;

namespace LayeredPrefill.ResultsComparer;

/// <summary>
/// Reads BenchmarkDotNet Full JSON reports (<c>*-report-full.json</c>). Anything malformed or missing a
/// field the gate needs is a <see cref="UserInputException"/> naming the file and the place.
/// </summary>
public static class FullJsonReader
{
    /// <summary>File pattern of the Full JSON exporter.</summary>
    public const string Pattern = "*-report-full.json";

    /// <summary>Every case of every Full JSON report in <paramref name="path"/> (a folder or one file); <paramref name="role"/> names it in messages.</summary>
    public static IReadOnlyList<BenchmarkResult> ReadAll(string path, string role)
    {
        string[] files;
        if (File.Exists(path)) files = [path];
        else if (Directory.Exists(path)) files = Directory.GetFiles(path, Pattern).Order(StringComparer.Ordinal).ToArray();
        else throw new UserInputException($"{role} '{path}' does not exist");
        if (files.Length == 0) throw new UserInputException($"{role} '{path}' holds no {Pattern} file");

        var results = files.SelectMany(ReadFile).ToList();
        var duplicate = results.GroupBy(r => r.FullName).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new UserInputException($"{role} '{path}': benchmark '{duplicate.Key}' appears twice ({string.Join(", ", duplicate.Select(d => Path.GetFileName(d.Source)).Distinct())})");
        return results;
    }

    /// <summary>The cases of one Full JSON file.</summary>
    public static IReadOnlyList<BenchmarkResult> ReadFile(string file)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(LayeredPrefill.IO.BoundedFile.ReadAllText(file, LayeredPrefill.IO.ReadLimits.ResultFile("the benchmark report")));
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{file}: not valid JSON at line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}");
        }
        using (document)
        {
            var root = document.RootElement;
            LayeredPrefill.IO.JsonInput.RequireValidStrings(root, file);
            var benchmarks = Required(root, "Benchmarks", JsonValueKind.Array, file, "the report");
            var results = new List<BenchmarkResult>();
            int index = 0;
            foreach (var benchmark in benchmarks.EnumerateArray())
            {
                string where = $"Benchmarks[{index++}]";
                string fullName = Required(benchmark, "FullName", JsonValueKind.String, file, where).GetString()!;
                results.Add(new BenchmarkResult(fullName, ReadTimings(benchmark, file, where), ReadMetrics(benchmark, file, where), file));
            }
            if (results.Count == 0) throw new UserInputException($"{file}: 'Benchmarks' is empty");
            return results;
        }
    }

    private static double[] ReadTimings(JsonElement benchmark, string file, string where)
    {
        var measurements = Required(benchmark, "Measurements", JsonValueKind.Array, file, where);
        var timings = new List<double>();
        int index = 0;
        foreach (var m in measurements.EnumerateArray())
        {
            string at = $"{where}.Measurements[{index++}]";
            string stage = Required(m, "IterationStage", JsonValueKind.String, file, at).GetString()!;
            string mode = Required(m, "IterationMode", JsonValueKind.String, file, at).GetString()!;
            double operations = Number(m, "Operations", file, at);
            double nanoseconds = Number(m, "Nanoseconds", file, at);
            // "Result" is BenchmarkDotNet's final per-iteration value (workload minus overhead, outliers kept).
            if (mode == "Workload" && stage == "Result")
            {
                if (!(operations > 0)) throw new UserInputException($"{file}: {at}.Operations must be > 0 (got {operations})");
                timings.Add(nanoseconds / operations);
            }
        }
        return timings.ToArray();
    }

    private static Dictionary<string, double> ReadMetrics(JsonElement benchmark, string file, string where)
    {
        var metrics = Required(benchmark, "Metrics", JsonValueKind.Array, file, where);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        int index = 0;
        foreach (var metric in metrics.EnumerateArray())
        {
            string at = $"{where}.Metrics[{index++}]";
            var descriptor = Required(metric, "Descriptor", JsonValueKind.Object, file, at);
            string id = Required(descriptor, "Id", JsonValueKind.String, file, at + ".Descriptor").GetString()!;
            values[id] = Number(metric, "Value", file, at);
        }
        return values;
    }

    private static double Number(JsonElement element, string property, string file, string where)
    {
        var value = Required(element, property, null, file, where);
        // JSON has no NaN: BenchmarkDotNet's writer leaves an empty string where a value is NaN.
        if (value.ValueKind == JsonValueKind.String && value.GetString() is "" or "NaN") return double.NaN;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number))
            throw new UserInputException($"{file}: {where}.{property} must be a number (got {value.ValueKind})");
        return number;
    }

    private static JsonElement Required(JsonElement element, string property, JsonValueKind? kind, string file, string where)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(property, out var value))
            throw new UserInputException($"{file}: {where} has no '{property}' field");
        if (kind is { } k && value.ValueKind != k)
            throw new UserInputException($"{file}: {where}.{property} must be {Article(k)} (got {value.ValueKind})");
        return value;
    }

    private static string Article(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        _ => kind.ToString(),
    };
}

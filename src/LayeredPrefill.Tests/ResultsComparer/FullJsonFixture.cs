using System.Text.Json.Nodes;

namespace LayeredPrefill.Tests.ResultsComparer;

/// <summary>Writes BenchmarkDotNet-shaped Full JSON reports for the gate tests, and edits copies of real ones.</summary>
internal static class FullJsonFixture
{
    /// <summary>One synthetic case: its full name, per-operation times (ns) and metrics.</summary>
    public sealed record Case(string FullName, double[] Nanoseconds, Dictionary<string, double> Metrics);

    /// <summary>A fresh empty folder under the temp path.</summary>
    public static string NewFolder()
    {
        string dir = Path.Combine(Path.GetTempPath(), "lp-gate-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Writes one report with the given cases, the way the Full JSON exporter lays it out.</summary>
    public static string Write(string dir, string name, IEnumerable<Case> cases)
    {
        var benchmarks = new JsonArray();
        foreach (var c in cases)
        {
            var measurements = new JsonArray();
            for (int i = 0; i < c.Nanoseconds.Length; i++)
            {
                // Actual and Result stages, as BenchmarkDotNet writes them; the gate must read only Result.
                measurements.Add(Measurement("Actual", i, c.Nanoseconds[i] * 1.01));
                measurements.Add(Measurement("Result", i, c.Nanoseconds[i]));
            }
            var metrics = new JsonArray();
            foreach (var (id, value) in c.Metrics)
                metrics.Add(new JsonObject
                {
                    ["Value"] = double.IsNaN(value) ? JsonValue.Create("") : JsonValue.Create(value),
                    ["Descriptor"] = new JsonObject { ["Id"] = id, ["DisplayName"] = id, ["UnitType"] = 0, ["Unit"] = "" },
                });
            benchmarks.Add(new JsonObject { ["FullName"] = c.FullName, ["Measurements"] = measurements, ["Metrics"] = metrics });
        }
        string path = Path.Combine(dir, name + "-report-full.json");
        File.WriteAllText(path, new JsonObject { ["Title"] = name, ["Benchmarks"] = benchmarks }.ToJsonString());
        return path;
    }

    /// <summary>Copies every Full JSON report of <paramref name="source"/> into a new folder, editing each benchmark.</summary>
    public static string CopyEdited(string source, Action<JsonObject> editBenchmark)
    {
        string dir = NewFolder();
        foreach (string file in Directory.GetFiles(source, "*-report-full.json"))
        {
            var root = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            foreach (var benchmark in root["Benchmarks"]!.AsArray()) editBenchmark(benchmark!.AsObject());
            File.WriteAllText(Path.Combine(dir, Path.GetFileName(file)), root.ToJsonString());
        }
        return dir;
    }

    /// <summary>Multiplies every measured time of a benchmark by <paramref name="factor"/>.</summary>
    public static void ScaleTimes(JsonObject benchmark, double factor)
    {
        foreach (var m in benchmark["Measurements"]!.AsArray())
            m!["Nanoseconds"] = m["Nanoseconds"]!.GetValue<double>() * factor;
    }


    private static JsonObject Measurement(string stage, int index, double nanoseconds) => new()
    {
        ["IterationMode"] = "Workload",
        ["IterationStage"] = stage,
        ["LaunchIndex"] = 1,
        ["IterationIndex"] = index + 1,
        ["Operations"] = 4,
        ["Nanoseconds"] = nanoseconds * 4,
    };
}

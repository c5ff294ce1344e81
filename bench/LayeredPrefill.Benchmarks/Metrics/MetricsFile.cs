using System.Globalization;

namespace LayeredPrefill.Benchmarks.Metrics;

/// <summary>
/// The hand-over between a benchmark process and the host: BenchmarkDotNet 0.15.8 has no in-process
/// metric API, so a benchmark writes "id=value" lines in its [GlobalCleanup] and the host-side
/// <see cref="DomainMetricsDiagnoser"/> reads them after the process exits.
/// </summary>
public static class MetricsFile
{
    /// <summary>Environment variable naming the hand-over folder; the host sets it, child processes inherit it.</summary>
    public const string DirectoryVariable = "LAYERED_PREFILL_BENCH_METRICS";

    /// <summary>The hand-over folder (the variable, else a fixed folder under the temp path).</summary>
    public static string Directory =>
        Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } dir
            ? dir
            : Path.Combine(Path.GetTempPath(), "layered-prefill-bench-metrics");

    /// <summary>Where the metrics of <paramref name="key"/> go.</summary>
    public static string PathFor(string key) => Path.Combine(Directory, MetricKey.FileName(key));

    /// <summary>Writes the metrics of one benchmark case (atomically, so the host never reads half a file).</summary>
    public static void Write(string key, IReadOnlyDictionary<string, double> values)
    {
        var lines = new List<string> { "# " + key };
        lines.AddRange(values.OrderBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => $"{v.Key}={v.Value.ToString("R", CultureInfo.InvariantCulture)}"));
        LayeredPrefill.IO.AtomicFile.WriteAllText(PathFor(key), string.Join("\n", lines) + "\n");
    }

    /// <summary>Reads the metrics of <paramref name="key"/>; empty when the benchmark wrote none.</summary>
    public static IReadOnlyDictionary<string, double> Read(string key)
    {
        string path = PathFor(key);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        if (!File.Exists(path)) return values;
        foreach (string line in LayeredPrefill.IO.BoundedFile.ReadAllText(path, new LayeredPrefill.IO.ReadLimits("benchmark metrics", 1 << 20)).Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            int eq = line.IndexOf('=');
            if (eq > 0 && double.TryParse(line[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                values[line[..eq]] = value;
        }
        return values;
    }

    /// <summary>Removes a stale file before a case runs, so an old value is never reported as new.</summary>
    public static void Delete(string key)
    {
        string path = PathFor(key);
        if (File.Exists(path)) File.Delete(path);
    }
}

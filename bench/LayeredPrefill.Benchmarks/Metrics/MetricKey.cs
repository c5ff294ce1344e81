using System.Globalization;

namespace LayeredPrefill.Benchmarks.Metrics;

/// <summary>
/// Names one benchmark case (class, method and parameter values) the same way in the benchmark
/// process, which writes its domain metrics, and in the host, which reads them back.
/// </summary>
public static class MetricKey
{
    /// <summary>"Type.Method(a=1,b=x)" with parameters sorted by name and formatted invariantly.</summary>
    public static string For(Type type, string method, IEnumerable<(string Name, object? Value)> parameters)
    {
        var parts = parameters.OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={Convert.ToString(p.Value, CultureInfo.InvariantCulture)}");
        return $"{type.Name}.{method}({string.Join(",", parts)})";
    }

    /// <summary>A file name for <paramref name="key"/>: characters a file system may refuse become '_'.</summary>
    public static string FileName(string key)
    {
        var invalid = new HashSet<char>(Path.GetInvalidFileNameChars()) { '(', ')', ',', '=', ' ', '*', '?' };
        return new string(key.Select(c => invalid.Contains(c) ? '_' : c).ToArray()) + ".metrics";
    }
}

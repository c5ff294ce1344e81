namespace LayeredPrefill.Metrics;

/// <summary>Mean, median, spread and tail of a sample, in milliseconds (vLLM benchmark_serving conventions).</summary>
public sealed record LatencySummary(int Count, double MeanMs, double MedianMs, double StdMs, double P90Ms, double P95Ms, double P99Ms, double P999Ms, double MaxMs)
{
    /// <summary>An empty sample (all NaN).</summary>
    public static LatencySummary Empty { get; } = new(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    /// <summary>Summarises seconds as milliseconds; std is the population std and percentiles interpolate linearly, as numpy does.</summary>
    public static LatencySummary FromSeconds(IEnumerable<double> seconds)
    {
        var ms = seconds.Select(s => s * 1000.0).ToArray();
        if (ms.Length == 0) return Empty;
        Array.Sort(ms);
        double mean = ms.Average();
        double variance = ms.Sum(x => (x - mean) * (x - mean)) / ms.Length;
        return new LatencySummary(ms.Length, mean, Percentile(ms, 50), Math.Sqrt(variance),
            Percentile(ms, 90), Percentile(ms, 95), Percentile(ms, 99), Percentile(ms, 99.9), ms[^1]);
    }

    /// <summary>The 50th <see cref="Percentile"/> of <paramref name="values"/> (NaN for none), ignoring non-finite ones.</summary>
    public static double Median(IEnumerable<double> values) => Percentile(values.Where(double.IsFinite).Order().ToArray(), 50);

    /// <summary>numpy's default ("linear") percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double percent)
    {
        if (sorted.Count == 0) return double.NaN;
        double rank = percent / 100.0 * (sorted.Count - 1);
        int lo = (int)Math.Floor(rank);
        int hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }
}

namespace LayeredPrefill.Sweeps;

/// <summary>One sweep point over all its seeds: the mean of each metric and the spread of SLO attainment.</summary>
/// <param name="Seeds">Seeds that finished.</param>
/// <param name="AttainmentStd">Sample standard deviation of attainment over the seeds (0 with one seed).</param>
public sealed record SeedSpread(
    string Model, string Trace, string Policy, double RatePerSecond, int Requests, int Seeds,
    double MeanAttainment, double AttainmentStd, double MinAttainment, double MaxAttainment,
    double MeanTtftMs, double MedianTtftMs, double MeanTpotMs, double MeanItlMs, double P99ItlMs, double MeanE2elMs, double P99E2elMs)
{
    /// <summary>The points grouped by everything but the seed, in first-seen order.</summary>
    public static IReadOnlyList<SeedSpread> Of(IEnumerable<PointResult> points) =>
        points.GroupBy(p => (p.Model, p.Trace, p.Policy, p.RatePerSecond, p.Requests)).Select(g =>
        {
            var a = g.Select(p => p.SloAttainment).ToArray();
            double mean = a.Average();
            double std = a.Length > 1 ? Math.Sqrt(a.Sum(x => (x - mean) * (x - mean)) / (a.Length - 1)) : 0;
            return new SeedSpread(g.Key.Model, g.Key.Trace, g.Key.Policy, g.Key.RatePerSecond, g.Key.Requests, a.Length,
                mean, std, a.Min(), a.Max(),
                g.Average(p => p.MeanTtftMs), g.Average(p => p.MedianTtftMs), g.Average(p => p.MeanTpotMs), g.Average(p => p.MeanItlMs),
                g.Average(p => p.P99ItlMs), g.Average(p => p.MeanE2elMs), g.Average(p => p.P99E2elMs));
        }).ToArray();
}

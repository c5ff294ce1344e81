using LayeredPrefill.Sweeps;

namespace LayeredPrefill.Reporting.Reports;

/// <summary>Generated sentences on who wins where: capacity per policy, lowest TTFT per rate, traffic and energy savings.</summary>
public static class SweepSummary
{
    /// <summary>Capacity: the highest rate at which at least 90% of requests met the SLO (NaN when none did).</summary>
    public static double Capacity(IEnumerable<PointResult> points) =>
        points.Where(p => p.SloAttainment >= 0.9).Select(p => p.RatePerSecond).DefaultIfEmpty(double.NaN).Max();

    /// <summary>Bullets for one model and trace.</summary>
    public static IReadOnlyList<string> For(IReadOnlyList<PointResult> points, IReadOnlyList<string> policyOrder)
    {
        var bullets = new List<string>();
        var capacities = policyOrder.Select(p => (Policy: p, Capacity: Capacity(points.Where(x => x.Policy == p)))).ToArray();
        bullets.Add("Capacity (highest swept rate with ≥ 90% SLO attainment): " +
            string.Join(", ", capacities.Select(c => $"{c.Policy} {(double.IsNaN(c.Capacity) ? "none" : Fmt.Rate(c.Capacity) + " req/s")}")) + ".");
        foreach (var rate in points.Select(p => p.RatePerSecond).Distinct().Order())
        {
            var atRate = points.Where(p => p.RatePerSecond == rate && double.IsFinite(p.MeanTtftMs)).ToArray();
            if (atRate.Length == 0) continue;
            var best = atRate.MinBy(p => p.MeanTtftMs)!;
            var bestSlo = atRate.MaxBy(p => p.SloAttainment)!;
            bullets.Add($"At {Fmt.Rate(rate)} req/s: lowest mean TTFT {best.Policy} ({Fmt.N(best.MeanTtftMs, "0")} ms); " +
                $"best SLO attainment {bestSlo.Policy} ({Fmt.Pct(bestSlo.SloAttainment)}%).");
        }
        var layered = points.Where(p => p.Policy == "layered-adaptive").ToArray();
        var chunked = points.Where(p => p.Family == "chunked").GroupBy(p => p.Policy);
        foreach (var c in chunked)
        {
            var pairs = c.Join(layered, a => a.RatePerSecond, b => b.RatePerSecond, (a, b) => (Chunked: a, Layered: b)).ToArray();
            if (pairs.Length == 0) continue;
            double traffic = 1 - pairs.Average(x => x.Layered.ExpertBytesPerToken / x.Chunked.ExpertBytesPerToken);
            double energy = 1 - pairs.Average(x => x.Layered.EnergyPerTokenJoules / x.Chunked.EnergyPerTokenJoules);
            bullets.Add($"layered-adaptive vs {c.Key}: {Fmt.N(traffic * 100, "0")}% less expert traffic per token and {Fmt.N(energy * 100, "0")}% less energy per token (mean over rates).");
        }
        return bullets;
    }
}

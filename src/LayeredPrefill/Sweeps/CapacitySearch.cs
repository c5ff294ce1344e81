namespace LayeredPrefill.Sweeps;

/// <summary>One rate a capacity search served, and the share of requests that met the SLO there.</summary>
public sealed record CapacityProbe(double RatePerSecond, double Attainment);

/// <summary>
/// The highest rate at which a policy meets its SLO (attainment ≥ <see cref="Target"/>): the capacity the paper's figures show.
/// <see cref="CapacityRps"/> is the highest rate served that met it below the first that did not; null when even the lowest rate
/// tried missed it. <see cref="FirstMissRps"/> brackets it from above (null when no rate tried missed).
/// </summary>
public sealed record CapacityResult(string Model, string Trace, string Policy, double Target, double? CapacityRps, double? FirstMissRps, IReadOnlyList<CapacityProbe> Probes);

/// <summary>
/// Finds a capacity by bracketing and bisection over rates: from the rates already served, it doubles up until a rate misses
/// the target (or halves down until one meets it), then bisects the bracket until it is narrower than the tolerance. Each probe
/// is one serving run; with one seed the arrival pattern is the same draws rescaled, so attainment falls with rate in practice.
/// </summary>
public static class CapacitySearch
{
    /// <summary>Most runs one search makes beyond the rates it starts from.</summary>
    public const int MaxProbes = 12;

    /// <summary>The bracket is narrowed until hi − lo ≤ max(<see cref="MinToleranceRps"/>, <see cref="RelativeTolerance"/> × lo).</summary>
    public const double RelativeTolerance = 0.03, MinToleranceRps = 0.02;

    /// <summary>Searches with <paramref name="attainmentAt"/> (one run per call), starting from the <paramref name="known"/> rates.</summary>
    public static (double? Capacity, double? FirstMiss, IReadOnlyList<CapacityProbe> Probes) Search(
        double target, IEnumerable<CapacityProbe> known, Func<double, double> attainmentAt)
    {
        var probes = known.Where(p => double.IsFinite(p.Attainment)).ToDictionary(p => p.RatePerSecond, p => p.Attainment);
        int runs = 0;
        double Probe(double rate)
        {
            rate = Math.Round(rate, 3);
            if (probes.TryGetValue(rate, out double a)) return a;
            runs++;
            return probes[rate] = attainmentAt(rate);
        }
        bool Meets(double rate) => Probe(rate) >= target;
        if (probes.Count == 0) Probe(1.0);
        (double? lo, double? hi) Bracket()
        {
            var sorted = probes.OrderBy(p => p.Key).ToArray();
            int miss = Array.FindIndex(sorted, p => p.Value < target);
            double? low = miss > 0 ? sorted[miss - 1].Key : miss < 0 ? sorted[^1].Key : null;
            return (low, miss >= 0 ? sorted[miss].Key : null);
        }
        var (lo, hi) = Bracket();
        while (hi is null && runs < MaxProbes)
        {
            double up = lo!.Value * 2;
            if (!Meets(up)) hi = Math.Round(up, 3); else lo = Math.Round(up, 3);
        }
        while (lo is null && runs < MaxProbes && hi!.Value > 0.002)
        {
            double down = hi.Value / 2;
            if (Meets(down)) lo = Math.Round(down, 3); else hi = Math.Round(down, 3);
        }
        while (lo is { } l && hi is { } h && h - l > Math.Max(MinToleranceRps, RelativeTolerance * l) && runs < MaxProbes)
        {
            double mid = (l + h) / 2;
            if (Math.Round(mid, 3) <= l || Math.Round(mid, 3) >= h) break;
            if (Meets(mid)) lo = Math.Round(mid, 3); else hi = Math.Round(mid, 3);
        }
        var (capacity, firstMiss) = Bracket();
        return (capacity, firstMiss, probes.OrderBy(p => p.Key).Select(p => new CapacityProbe(p.Key, p.Value)).ToArray());
    }
}

using LayeredPrefill.Randomness;

namespace LayeredPrefill.Execution.Roofline;

/// <summary>Zipf(s) over ranks 0..n−1 (p ∝ 1/(r+1)^s) as a Walker/Vose alias table for O(1) draws.</summary>
internal sealed class ZipfAliasTable
{
    private readonly double[] _accept;
    private readonly int[] _alias;
    private readonly double[] _cumulative; // _cumulative[r] = P(rank < r); n + 1 entries, the last 1

    /// <summary>Probability of each rank.</summary>
    public double[] Probability { get; }

    public ZipfAliasTable(int n, double skew)
    {
        Probability = new double[n];
        double sum = 0;
        for (int r = 0; r < n; r++) sum += Probability[r] = Math.Pow(r + 1, -skew);
        for (int r = 0; r < n; r++) Probability[r] /= sum;
        _cumulative = new double[n + 1];
        for (int r = 0; r < n; r++) _cumulative[r + 1] = _cumulative[r] + Probability[r];
        _cumulative[n] = 1.0;

        _accept = new double[n];
        _alias = new int[n];
        var scaled = new double[n];
        var small = new Stack<int>();
        var large = new Stack<int>();
        for (int r = 0; r < n; r++)
        {
            scaled[r] = Probability[r] * n;
            (scaled[r] < 1 ? small : large).Push(r);
        }
        while (small.Count > 0 && large.Count > 0)
        {
            int s = small.Pop(), l = large.Pop();
            _accept[s] = scaled[s];
            _alias[s] = l;
            scaled[l] -= 1 - scaled[s];
            (scaled[l] < 1 ? small : large).Push(l);
        }
        // Leftovers are 1 up to rounding.
        while (large.Count > 0) { int l = large.Pop(); _accept[l] = 1; _alias[l] = l; }
        while (small.Count > 0) { int s = small.Pop(); _accept[s] = 1; _alias[s] = s; }
    }

    /// <summary>One rank not yet stamped <paramref name="stamp"/>, drawn in proportion to its probability.</summary>
    /// <remarks>
    /// While the token's earlier picks hold little mass, rejection from the alias table (O(1)).
    /// Under steep skew they hold most of it, and they are nearly always the top ranks: then draw
    /// from the tail after the first unpicked rank by binary search on the CDF, rejecting the few
    /// picks beyond it; a scan over all ranks is the last resort. All three are exact.
    /// </remarks>
    public int DrawExcluding(ref SplitMix64 rng, ReadOnlySpan<int> stamps, int stamp, double excludedMass)
    {
        int n = _accept.Length;
        if (excludedMass < 0.5)
        {
            while (true)
            {
                // One uniform gives both the column and the coin: its integer and fractional parts.
                double x = rng.NextDouble() * n;
                int i = Math.Min((int)x, n - 1);
                int r = x - i < _accept[i] ? i : _alias[i];
                if (stamps[r] != stamp) return r;
            }
        }
        int first = 0;
        while (stamps[first] == stamp) first++; // a token picks fewer ranks than there are, so this stops
        double from = _cumulative[first], span = 1.0 - from;
        for (int attempt = 0; attempt < 64 && span > 1e-12; attempt++)
        {
            double u = from + rng.NextDouble() * span;
            int r = Array.BinarySearch(_cumulative, first + 1, n - first, u);
            r = r >= 0 ? r : ~r - 1;   // _cumulative[r] <= u < _cumulative[r + 1]
            r = Math.Clamp(r, first, n - 1);
            if (stamps[r] != stamp) return r;
        }
        double remaining = 0;
        for (int r = 0; r < n; r++) if (stamps[r] != stamp) remaining += Probability[r];
        double v = rng.NextDouble() * remaining;
        int last = -1;
        for (int r = 0; r < n; r++)
        {
            if (stamps[r] == stamp) continue;
            last = r;
            v -= Probability[r];
            if (v < 0) return r;
        }
        return last;
    }

    /// <summary>Chance that one token's k picks (without replacement) include each rank.</summary>
    /// <remarks>
    /// Picking without replacement in proportion to p is an exponential race (rank r arrives at
    /// Exp(p_r)); the k first arrivals are close to "arrived by a time τ" with Σ(1 − e^(−p_r τ)) = k,
    /// so π_r ≈ 1 − e^(−p_r τ) (Rosén's approximation for successive sampling; exact when p is uniform).
    /// </remarks>
    public double[] InclusionProbabilities(int k)
    {
        int n = Probability.Length;
        if (k >= n) return Enumerable.Repeat(1.0, n).ToArray();
        double Expected(double tau)
        {
            double sum = 0;
            foreach (double p in Probability) sum += -double.ExpM1(-p * tau);
            return sum;
        }
        double lo = 0, hi = 1;
        while (Expected(hi) < k) hi *= 2;
        for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (Expected(mid) < k) lo = mid; else hi = mid;
        }
        double tauStar = 0.5 * (lo + hi);
        return Probability.Select(p => -double.ExpM1(-p * tauStar)).ToArray();
    }
}

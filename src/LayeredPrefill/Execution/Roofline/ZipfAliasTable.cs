namespace LayeredPrefill.Execution.Roofline;

/// <summary>Zipf(s) over ranks 0..n−1 (p ∝ 1/(r+1)^s) as a Walker/Vose alias table for O(1) draws.</summary>
internal sealed class ZipfAliasTable
{
    private readonly double[] _accept;
    private readonly int[] _alias;

    /// <summary>Probability of each rank.</summary>
    public double[] Probability { get; }

    public ZipfAliasTable(int n, double skew)
    {
        Probability = new double[n];
        double sum = 0;
        for (int r = 0; r < n; r++) sum += Probability[r] = Math.Pow(r + 1, -skew);
        for (int r = 0; r < n; r++) Probability[r] /= sum;

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
    /// Rejection from the full table while the excluded mass is small (cheap, exact); once the
    /// token's earlier picks hold most of the mass (steep skew) rejection would spin, so the rest
    /// is drawn by one scan over the remaining ranks.
    /// </remarks>
    public int DrawExcluding(Random rng, ReadOnlySpan<int> stamps, int stamp, double excludedMass)
    {
        int n = _accept.Length;
        if (excludedMass < 0.9)
        {
            while (true)
            {
                int i = rng.Next(n);
                int r = rng.NextDouble() < _accept[i] ? i : _alias[i];
                if (stamps[r] != stamp) return r;
            }
        }
        double remaining = 0;
        for (int r = 0; r < n; r++) if (stamps[r] != stamp) remaining += Probability[r];
        double u = rng.NextDouble() * remaining;
        int last = -1;
        for (int r = 0; r < n; r++)
        {
            if (stamps[r] == stamp) continue;
            last = r;
            u -= Probability[r];
            if (u < 0) return r;
        }
        return last;
    }
}

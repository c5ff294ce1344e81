namespace LayeredPrefill.Execution.Roofline;

/// <summary>The fraction of peak compute and bandwidth the routed-expert GEMMs reach when each loaded expert gets <paramref name="TokensPerExpert"/> tokens.</summary>
public sealed record ExpertEfficiencyPoint(double TokensPerExpert, double ComputeFraction, double MemoryFraction);

/// <summary>
/// Routed-expert GEMM efficiency as a function of the tokens each loaded expert multiplies
/// (T·k ÷ distinct experts): interpolated linearly in log(tokens per expert) between the points,
/// held flat beyond the first and the last.
/// </summary>
/// <remarks>
/// A fused-MoE kernel tiles each expert's tokens into blocks of BLOCK_M rows, so its efficiency is
/// set by how full those blocks are and by which tile configuration the kernel picks for the batch,
/// not by the batch size alone: one fixed <see cref="OpEfficiency"/> cannot be right for both a
/// decode step (about one token per expert) and a 512-token chunk (32 per expert for Qwen3). A
/// calibration fills the points from timed MoE layers at several batch sizes; the presets say where
/// theirs come from.
/// </remarks>
public sealed class ExpertEfficiencyCurve : IEquatable<ExpertEfficiencyCurve>
{
    /// <summary>The points, in increasing tokens per expert.</summary>
    public IReadOnlyList<ExpertEfficiencyPoint> Points { get; }

    /// <summary>A curve through <paramref name="points"/>: at least one, tokens per expert strictly increasing and &gt; 0, fractions in (0, 1].</summary>
    public ExpertEfficiencyCurve(IReadOnlyList<ExpertEfficiencyPoint> points, string where = "expert efficiency curve")
    {
        if (points.Count == 0) throw new UserInputException($"{where}: needs at least one point");
        for (int i = 0; i < points.Count; i++)
        {
            var p = points[i];
            if (!(double.IsFinite(p.TokensPerExpert) && p.TokensPerExpert > 0))
                throw new UserInputException($"{where}: point {i}: tokensPerExpert must be a finite number > 0 (got {p.TokensPerExpert})");
            if (i > 0 && !(p.TokensPerExpert > points[i - 1].TokensPerExpert))
                throw new UserInputException($"{where}: point {i}: tokensPerExpert must increase from point to point (got {p.TokensPerExpert} after {points[i - 1].TokensPerExpert})");
            CheckFraction(p.ComputeFraction, $"{where}: point {i}: computeFraction");
            CheckFraction(p.MemoryFraction, $"{where}: point {i}: memoryFraction");
        }
        Points = points.ToArray();
    }

    /// <summary>Compute and memory fractions at <paramref name="tokensPerExpert"/> (flat outside the points).</summary>
    public (double ComputeFraction, double MemoryFraction) At(double tokensPerExpert)
    {
        var first = Points[0];
        var last = Points[^1];
        if (!(tokensPerExpert > first.TokensPerExpert)) return (first.ComputeFraction, first.MemoryFraction);
        if (tokensPerExpert >= last.TokensPerExpert) return (last.ComputeFraction, last.MemoryFraction);
        int hi = 1;
        while (Points[hi].TokensPerExpert < tokensPerExpert) hi++;
        var a = Points[hi - 1];
        var b = Points[hi];
        double w = Math.Log(tokensPerExpert / a.TokensPerExpert) / Math.Log(b.TokensPerExpert / a.TokensPerExpert);
        return (a.ComputeFraction + w * (b.ComputeFraction - a.ComputeFraction), a.MemoryFraction + w * (b.MemoryFraction - a.MemoryFraction));
    }

    /// <summary>Curves are equal when their points are (a profile read back from JSON equals the one written).</summary>
    public bool Equals(ExpertEfficiencyCurve? other) => other is not null && Points.SequenceEqual(other.Points);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ExpertEfficiencyCurve);

    /// <inheritdoc />
    public override int GetHashCode() => Points.Aggregate(0, (h, p) => HashCode.Combine(h, p));

    private static void CheckFraction(double x, string what)
    {
        if (!(double.IsFinite(x) && x > 0 && x <= 1)) throw new UserInputException($"{what} must be in (0, 1] (got {x})");
    }
}

namespace LayeredPrefill.Execution.Roofline;

/// <summary>Routing where every token picks k distinct experts uniformly: the expected distinct count E·(1−(1−k/E)^T) (REFERENCE §2).</summary>
/// <remarks>
/// Exact for uniform draws without replacement: one token misses a given expert with probability
/// 1 − k/E, and tokens are independent. Real routers are skewed; see <see cref="SampledRouting"/>.
/// </remarks>
public sealed class UniformRouting : IExpertRouting
{
    /// <summary>The one instance (the model has no state).</summary>
    public static UniformRouting Instance { get; } = new();

    /// <inheritdoc />
    public double DistinctExperts(int layer, int tokens, int experts, int topK, int iterationIndex) =>
        Expected(tokens, experts, topK);

    /// <summary>E·(1−(1−k/E)^T); 0 for no tokens.</summary>
    public static double Expected(int tokens, int experts, int topK)
    {
        if (tokens <= 0) return 0;
        if (topK >= experts) return experts;
        return experts * (1.0 - Math.Pow(1.0 - (double)topK / experts, tokens));
    }
}

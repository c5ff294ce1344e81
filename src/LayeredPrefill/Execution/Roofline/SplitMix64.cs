namespace LayeredPrefill.Execution.Roofline;

/// <summary>A tiny seeded generator (SplitMix64) for draws that must be reseeded per call without allocating.</summary>
/// <remarks>
/// <see cref="SampledRouting"/> reseeds for every (layer, iteration) so its answers never depend on
/// call order; <c>new Random(seed)</c> allocates and runs the slow legacy seeded algorithm, which
/// made sampled routing ~10× the cost of the rest of the pricing. Same seed, same stream, on every platform.
/// </remarks>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>Mixes <paramref name="x"/> into an unrelated 64-bit value (the SplitMix64 finaliser).</summary>
    public static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        ulong z = _state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}

namespace LayeredPrefill.Randomness;

/// <summary>SplitMix64 (Steele, Lea and Flood 2014): the project's one source of random bits, as a value that reseeds without allocating.</summary>
/// <remarks>
/// Same seed, same stream, on every platform and .NET version (which <c>new Random(seed)</c> does not promise).
/// <see cref="SeededRandom"/> wraps it for sequential draws; hot loops that reseed per call (sampled routing, per layer and
/// iteration) use the struct directly.
/// </remarks>
public struct SplitMix64(ulong seed)
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    private ulong _state = seed;

    /// <summary>Mixes <paramref name="x"/> into an unrelated 64-bit value (one SplitMix64 step from state <paramref name="x"/>).</summary>
    public static ulong Mix(ulong x)
    {
        x += Golden;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = Mix(_state);
        _state += Golden;
        return z;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}

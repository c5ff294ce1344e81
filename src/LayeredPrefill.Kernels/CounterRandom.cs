namespace LayeredPrefill.Kernels;

/// <summary>Counter-based random numbers: value i of stream s under a seed, without sequential state.</summary>
/// <remarks>
/// Weights for the bigger shapes run to hundreds of millions of draws; a counter-based hash fills
/// them in parallel and gives every backend the same values, which a sequential System.Random cannot.
/// </remarks>
public static class CounterRandom
{
    /// <summary>SplitMix64 finaliser of (seed, stream, index).</summary>
    public static ulong Hash(long seed, long stream, long index)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)stream * 0xBF58476D1CE4E5B9UL ^ (ulong)index * 0x94D049BB133111EBUL);
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform float in [-1, 1).</summary>
    public static float Symmetric(long seed, long stream, long index) =>
        (float)((Hash(seed, stream, index) >> 40) * (1.0 / (1UL << 24)) * 2.0 - 1.0);

    /// <summary>Fills <paramref name="target"/> with uniform values in [-scale, scale), in parallel.</summary>
    public static void Fill(float[] target, long seed, long stream, float scale, float offset = 0)
    {
        const int Chunk = 1 << 16;
        int chunks = (target.Length + Chunk - 1) / Chunk;
        Parallel.For(0, chunks, c =>
        {
            int end = Math.Min(target.Length, (c + 1) * Chunk);
            for (int i = c * Chunk; i < end; i++)
                target[i] = offset + scale * Symmetric(seed, stream, i);
        });
    }

    /// <summary>Prompt token <paramref name="position"/> of request <paramref name="requestId"/>: hash(seed, r, i) mod vocab.</summary>
    public static int PromptToken(long seed, int requestId, int position, int vocabSize) =>
        (int)(Hash(seed, 1_000_003L + requestId, position) % (ulong)vocabSize);
}

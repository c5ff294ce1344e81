using LayeredPrefill.Randomness;

namespace LayeredPrefill.Kernels;

/// <summary>Counter-based random numbers: value i of stream s under a seed, without sequential state.</summary>
/// <remarks>
/// Weights for the bigger shapes run to hundreds of millions of draws; a counter-based hash fills
/// them in parallel and gives every backend the same values, which a sequential generator cannot.
/// </remarks>
public static class CounterRandom
{
    /// <summary>SplitMix64 of (seed, stream, index), each spread by one of its constants before they are combined.</summary>
    /// <remarks>The CUDA weight kernels compute the same hash on the device (Cuda/ModelKernels), so host and device draws are equal.</remarks>
    public static ulong Hash(long seed, long stream, long index) =>
        SplitMix64.Mix(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)stream * 0xBF58476D1CE4E5B9UL ^ (ulong)index * 0x94D049BB133111EBUL));

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

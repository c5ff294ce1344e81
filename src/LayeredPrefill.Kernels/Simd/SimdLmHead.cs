namespace LayeredPrefill.Kernels.Simd;

/// <summary>Greedy argmax over logits rows (first index wins ties, as on every backend).</summary>
public static class SimdLmHead
{
    /// <summary>Index of the largest element of each row.</summary>
    public static int[] Argmax(ReadOnlySpan<float> logits, int rows, int vocab)
    {
        var result = new int[rows];
        for (int t = 0; t < rows; t++)
        {
            var row = logits.Slice(t * vocab, vocab);
            int best = 0;
            for (int v = 1; v < vocab; v++) if (row[v] > row[best]) best = v;
            result[t] = best;
        }
        return result;
    }
}

namespace LayeredPrefill.Kernels.Simd;

/// <summary>Routing result: each token's top-k experts and weights (rank order), and tokens sorted by expert.</summary>
/// <param name="Experts">[tokens, k] expert ids in rank order.</param>
/// <param name="Weights">[tokens, k] combine weights.</param>
/// <param name="Offsets">[experts + 1] start of each expert's rows in the sorted order.</param>
/// <param name="SortedTokens">[tokens·k] token of each sorted row.</param>
/// <param name="SlotOf">[tokens, k] sorted row of each (token, rank).</param>
public sealed record Routing(int Tokens, int TopK, int[] Experts, float[] Weights, int[] Offsets, int[] SortedTokens, int[] SlotOf)
{
    /// <summary>Rows routed to expert <paramref name="e"/>.</summary>
    public int RowsOf(int e) => Offsets[e + 1] - Offsets[e];
}

/// <summary>Top-k softmax and a stable counting sort of tokens by expert.</summary>
public static class SimdRouter
{
    /// <summary>Routes <paramref name="tokens"/> rows of router logits [tokens, experts].</summary>
    public static Routing Route(ReadOnlySpan<float> logits, int tokens, int experts, int topK, bool renormalize)
    {
        var ids = new int[tokens * topK];
        var weights = new float[tokens * topK];
        var probs = new float[experts];
        for (int t = 0; t < tokens; t++)
            TopKSoftmax(logits.Slice(t * experts, experts), topK, renormalize, ids.AsSpan(t * topK, topK), weights.AsSpan(t * topK, topK), probs);
        return Sort(ids, weights, tokens, topK, experts);
    }

    /// <summary>Stable counting sort of (token, rank) pairs by expert.</summary>
    public static Routing Sort(int[] ids, float[] weights, int tokens, int topK, int experts)
    {
        var counts = new int[experts + 1];
        foreach (int e in ids) counts[e + 1]++;
        for (int e = 0; e < experts; e++) counts[e + 1] += counts[e];
        var next = (int[])counts.Clone();
        var sorted = new int[tokens * topK];
        var slot = new int[tokens * topK];
        for (int i = 0; i < ids.Length; i++)
        {
            int s = next[ids[i]]++;
            sorted[s] = i / topK;
            slot[i] = s;
        }
        return new Routing(tokens, topK, ids, weights, counts, sorted, slot);
    }

    /// <summary>One token: renormalised softmax over the top-k logits, or top-k of the full softmax.</summary>
    public static void TopKSoftmax(ReadOnlySpan<float> logits, int topK, bool renormalize, Span<int> ids, Span<float> weights, Span<float> scratch)
    {
        int experts = logits.Length;
        // Selection by repeated scan: ties go to the lower index, the same rule on every backend.
        for (int r = 0; r < topK; r++)
        {
            int best = -1;
            for (int e = 0; e < experts; e++)
            {
                bool taken = false;
                for (int q = 0; q < r; q++) taken |= ids[q] == e;
                if (!taken && (best < 0 || logits[e] > logits[best])) best = e;
            }
            ids[r] = best;
        }
        float max = logits[ids[0]];
        if (renormalize)
        {
            float sum = 0;
            for (int r = 0; r < topK; r++) { weights[r] = MathF.Exp(logits[ids[r]] - max); sum += weights[r]; }
            for (int r = 0; r < topK; r++) weights[r] /= sum;
        }
        else
        {
            float sum = 0;
            for (int e = 0; e < experts; e++) { scratch[e] = MathF.Exp(logits[e] - max); sum += scratch[e]; }
            for (int r = 0; r < topK; r++) weights[r] = scratch[ids[r]] / sum;
        }
    }
}

using ILGPU;
using ILGPU.Algorithms;

namespace LayeredPrefill.Kernels.Ilgpu;

/// <summary>Routing on the device: top-k softmax per token, then a stable sort of (token, rank) pairs by expert and the GEMM tile map.</summary>
public static class IlgpuRouterKernels
{
    /// <summary>One thread per token; same selection and softmax rules as the simd router.</summary>
    public static void TopK(Index1D t, ArrayView<float> logits, ArrayView<int> ids, ArrayView<float> weights, int experts, int topK, int renormalize)
    {
        long row = (long)(int)t * experts;
        for (int r = 0; r < topK; r++)
        {
            int best = -1;
            for (int e = 0; e < experts; e++)
            {
                bool taken = false;
                for (int q = 0; q < r; q++) taken |= ids[t * topK + q] == e;
                if (!taken && (best < 0 || logits[row + e] > logits[row + best])) best = e;
            }
            ids[t * topK + r] = best;
        }
        float max = logits[row + ids[t * topK]];
        float sum = 0f;
        if (renormalize != 0)
        {
            for (int r = 0; r < topK; r++) { float v = XMath.Exp(logits[row + ids[t * topK + r]] - max); weights[t * topK + r] = v; sum += v; }
            for (int r = 0; r < topK; r++) weights[t * topK + r] /= sum;
        }
        else
        {
            for (int e = 0; e < experts; e++) sum += XMath.Exp(logits[row + e] - max);
            for (int r = 0; r < topK; r++) weights[t * topK + r] = XMath.Exp(logits[row + ids[t * topK + r]] - max) / sum;
        }
    }

    /// <summary>One thread per expert: counts its (token, rank) pairs.</summary>
    public static void Count(Index1D e, ArrayView<int> ids, ArrayView<int> counts, int pairs)
    {
        int n = 0;
        for (int i = 0; i < pairs; i++) if (ids[i] == e) n++;
        counts[e] = n;
    }

    /// <summary>Single thread: prefix sums, per-layer expert row counts, and the tile map (expert, rowStart, rowEnd) per 16-row tile.</summary>
    public static void Prefix(Index1D unused, ArrayView<int> counts, ArrayView<int> offsets, ArrayView<int> tileMap, ArrayView<int> expertRows, int experts, int maxTiles, int layerOffset, int tileRows)
    {
        int off = 0, tile = 0;
        for (int e = 0; e < experts; e++)
        {
            offsets[e] = off;
            expertRows[layerOffset + e] = counts[e];
            for (int r0 = off; r0 < off + counts[e]; r0 += tileRows)
            {
                tileMap[tile * 3] = e;
                tileMap[tile * 3 + 1] = r0;
                tileMap[tile * 3 + 2] = r0 + tileRows < off + counts[e] ? r0 + tileRows : off + counts[e];
                tile++;
            }
            off += counts[e];
        }
        offsets[experts] = off;
        for (; tile < maxTiles; tile++) { tileMap[tile * 3] = 0; tileMap[tile * 3 + 1] = 0; tileMap[tile * 3 + 2] = 0; }
    }

    /// <summary>One thread per expert: places its pairs in (token, rank) order, so the sort is stable.</summary>
    public static void Scatter(Index1D e, ArrayView<int> ids, ArrayView<int> offsets, ArrayView<int> sortedTokens, ArrayView<int> slotOf, int pairs, int topK)
    {
        int next = offsets[e];
        for (int i = 0; i < pairs; i++)
            if (ids[i] == e) { sortedTokens[next] = i / topK; slotOf[i] = next; next++; }
    }
}

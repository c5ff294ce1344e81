using ILGPU;
using ILGPU.Algorithms;

namespace LayeredPrefill.Kernels.Ilgpu;

/// <summary>Scalars of an attention launch.</summary>
public struct AttentionShape
{
    public int QueryHeads, KvHeads, HeadDim, QkvWidth;
    public float Scale;
}

/// <summary>
/// Causal paged attention, one group per (row, query head). Keys are visited in absolute-position
/// blocks of the group size (aligned to position 0); the max is exact, and the exp-sum and value sums run in position order,
/// so a query's result is the same however its prompt was split.
/// </summary>
public static class IlgpuAttentionKernel
{
    /// <summary>Largest head dim the shared arrays hold.</summary>
    public const int MaxHeadDim = 256;

    /// <summary>Grid: rows·queryHeads; group: any G ≤ 256 threads (fixed per backend, so key blocks never move).</summary>
    public static void Kernel(ArrayView<float> qkv, ArrayView<float> keys, ArrayView<float> values, ArrayView<int> rows,
        ArrayView<int> positions, ArrayView<int> tableOffsets, ArrayView<int> blockTable, ArrayView<float> output, AttentionShape s)
    {
        var q = SharedMemory.Allocate<float>(MaxHeadDim);
        var p = SharedMemory.Allocate<float>(MaxHeadDim);
        var maxes = SharedMemory.Allocate<float>(MaxHeadDim);
        var accs = SharedMemory.Allocate<float>(MaxHeadDim);
        // G threads per group; thread d owns dims d, d+G, ... and keys b0+d of each G-wide, position-aligned key block.
        int d = Group.IdxX, G = Group.DimX, D = s.HeadDim;
        int t = Grid.IdxX / s.QueryHeads, h = Grid.IdxX % s.QueryHeads;
        int r = rows[t], pos = positions[r], table = tableOffsets[r];
        int kvWidth = s.KvHeads * D, kvOff = h / (s.QueryHeads / s.KvHeads) * D;
        for (int i = d; i < D; i += G) { q[i] = qkv[(long)t * s.QkvWidth + h * D + i]; accs[i] = 0f; }
        Group.Barrier();

        float localMax = float.NegativeInfinity;
        for (int b0 = 0; b0 <= pos; b0 += G)
        {
            int j = b0 + d;
            if (j <= pos) localMax = XMath.Max(localMax, Score(q, keys, blockTable, table, j, kvWidth, kvOff, D, s.Scale));
        }
        maxes[d] = localMax;
        Group.Barrier();
        float max = float.NegativeInfinity;
        for (int i = 0; i < G; i++) max = XMath.Max(max, maxes[i]);

        float sum = 0f;
        for (int b0 = 0; b0 <= pos; b0 += G)
        {
            int j = b0 + d;
            p[d] = j <= pos ? XMath.Exp(Score(q, keys, blockTable, table, j, kvWidth, kvOff, D, s.Scale) - max) : 0f;
            Group.Barrier();
            int count = pos - b0 + 1 < G ? pos - b0 + 1 : G;
            for (int i = 0; i < count; i++)
            {
                sum += p[i];
                long v = Slot(blockTable, table, b0 + i, kvWidth) + kvOff;
                for (int dd = d; dd < D; dd += G) accs[dd] += p[i] * values[v + dd];
            }
            Group.Barrier();
        }
        for (int dd = d; dd < D; dd += G) output[(long)t * s.QueryHeads * D + h * D + dd] = accs[dd] / sum;
    }

    private static long Slot(ArrayView<int> blockTable, int table, int position, int kvWidth) =>
        ((long)blockTable[table + position / IterationBatch.BlockTokens] * IterationBatch.BlockTokens + position % IterationBatch.BlockTokens) * kvWidth;

    private static float Score(ArrayView<float> q, ArrayView<float> keys, ArrayView<int> blockTable, int table, int j, int kvWidth, int kvOff, int d, float scale)
    {
        long off = Slot(blockTable, table, j, kvWidth) + kvOff;
        float dot = 0f;
        for (int i = 0; i < d; i++) dot += q[i] * keys[off + i];
        return dot * scale;
    }
}

using ILGPU;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>
/// Attention of decode rows (one new position each) over the paged bf16 KV cache, split over the context (flash-decoding):
/// each 128-thread block scores up to <see cref="SplitTokens"/> positions for all query heads of one KV head on CUDA cores
/// (a decode row is one query per head, so the work is reading K and V, not arithmetic), keeps its softmax maximum, sum
/// and unnormalised output, and <see cref="Combine"/> merges a row's splits in split order. A row's splits depend only on its
/// own context length, so its result does not depend on the batch.
/// </summary>
public static class DecodeAttentionKernel
{
    /// <summary>Threads per block.</summary>
    public const int Threads = 128;
    /// <summary>Context positions per split.</summary>
    public const int SplitTokens = 256;
    /// <summary>Most query heads per KV head.</summary>
    public const int MaxGroup = 8;
    /// <summary>Largest head size.</summary>
    public const int MaxHeadDim = 128;
    /// <summary>Ints per work item: row, first position, positions, block-table offset.</summary>
    public const int ItemInts = 4;
    /// <summary>Ints per decode row for <see cref="Combine"/>: row, first item, items.</summary>
    public const int RowInts = 3;

    /// <summary>Floats per (item, query head) in the partial buffer: the head's unnormalised output, then its maximum and sum.</summary>
    public static int PartialStride(int headDim) => headDim + 2;

    /// <summary>One split of one row for one KV head; grid = (items, kv heads), group = <see cref="Threads"/>.</summary>
    public static void Partial(
        AttentionArgs args,
        ArrayView<int> items,
        ArrayView<ushort> q,        // bf16 query rows [rows, QueryHeads·HeadDim]
        ArrayView<U4> keys,         // bf16 cache [block][kv head][16][HeadDim] as 16-byte chunks
        ArrayView<uint> values,     // the same layout as bf16 pairs
        ArrayView<int> blockTable,
        ArrayView<float> partial)   // [items, QueryHeads, PartialStride]
    {
        int item = Grid.IdxX, kvh = Grid.IdxY, tid = Group.IdxX;
        int row = items[item * ItemInts], first = items[item * ItemInts + 1], count = items[item * ItemInts + 2];
        int tableOffset = items[item * ItemInts + 3];
        int d = args.HeadDim, chunks = d / 8, group = args.QueryHeads / args.KvHeads;
        var qS = SharedMemory.Allocate<float>(MaxGroup * MaxHeadDim);
        var sS = SharedMemory.Allocate<float>(MaxGroup * SplitTokens);
        // parts × head size is 2·MaxHeadDim at both head sizes (2 parts of 128, 4 of 64).
        var oS = SharedMemory.Allocate<float>(MaxGroup * 2 * MaxHeadDim);
        var stat = SharedMemory.Allocate<float>(2 * MaxGroup);

        long qRow = (long)row * args.QueryHeads * d + (long)kvh * group * d;
        for (int i = tid; i < group * d; i += Threads) qS[i] = Bf16ToFloat(q[qRow + i]);
        Group.Barrier();

        // Scores: one position per thread at a time, its K row against every head of the group.
        long pageChunks = (long)IterationBatch.BlockTokens * chunks;
        for (int pp = tid; pp < count; pp += Threads)
        {
            int p = first + pp;
            long page = blockTable[tableOffset + p / IterationBatch.BlockTokens];
            long kBase = (page * args.KvHeads + kvh) * pageChunks + (p % IterationBatch.BlockTokens) * chunks;
            float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, a4 = 0f, a5 = 0f, a6 = 0f, a7 = 0f;
            for (int c = 0; c < chunks; c++)
            {
                U4 k = keys[kBase + c];
                int e = c * 8;
                a0 += Dot8(k, qS, e);
                if (group > 1) a1 += Dot8(k, qS, d + e);
                if (group > 2) a2 += Dot8(k, qS, 2 * d + e);
                if (group > 3) a3 += Dot8(k, qS, 3 * d + e);
                if (group > 4) a4 += Dot8(k, qS, 4 * d + e);
                if (group > 5) a5 += Dot8(k, qS, 5 * d + e);
                if (group > 6) a6 += Dot8(k, qS, 6 * d + e);
                if (group > 7) a7 += Dot8(k, qS, 7 * d + e);
            }
            float s = args.ScaleLog2;
            sS[pp] = a0 * s;
            if (group > 1) sS[SplitTokens + pp] = a1 * s;
            if (group > 2) sS[2 * SplitTokens + pp] = a2 * s;
            if (group > 3) sS[3 * SplitTokens + pp] = a3 * s;
            if (group > 4) sS[4 * SplitTokens + pp] = a4 * s;
            if (group > 5) sS[5 * SplitTokens + pp] = a5 * s;
            if (group > 6) sS[6 * SplitTokens + pp] = a6 * s;
            if (group > 7) sS[7 * SplitTokens + pp] = a7 * s;
        }
        Group.Barrier();

        // Per head: maximum, exponentials in place and their sum; warp w takes heads w and w + 4, lanes stride positions.
        int warp = tid >> 5, lane = tid & 31;
        for (int h = warp; h < group; h += Threads / 32)
        {
            float m = float.NegativeInfinity;
            for (int pp = lane; pp < count; pp += 32) m = IntrinsicMath.Max(m, sS[h * SplitTokens + pp]);
            for (int x = 16; x > 0; x >>= 1) m = IntrinsicMath.Max(m, Warp.ShuffleXor(m, x));
            float sum = 0f;
            for (int pp = lane; pp < count; pp += 32)
            {
                float e = Ptx.Exp2(sS[h * SplitTokens + pp] - m);
                sS[h * SplitTokens + pp] = e;
                sum += e;
            }
            for (int x = 16; x > 0; x >>= 1) sum += Warp.ShuffleXor(sum, x);
            if (lane == 0) { stat[2 * h] = m; stat[2 * h + 1] = sum; }
        }
        Group.Barrier();

        // P·V: thread t owns the column pair t % (d/2) of positions ≡ t / (d/2) (mod parts), all heads.
        int pairs = d / 2, pair = tid % pairs, part = tid / pairs, parts = Threads / pairs;
        float o0 = 0f, o1 = 0f, o2 = 0f, o3 = 0f, o4 = 0f, o5 = 0f, o6 = 0f, o7 = 0f;
        float h0 = 0f, h1 = 0f, h2 = 0f, h3 = 0f, h4 = 0f, h5 = 0f, h6 = 0f, h7 = 0f;
        long pagePairs = (long)IterationBatch.BlockTokens * pairs;
        for (int pp = part; pp < count; pp += parts)
        {
            int p = first + pp;
            long page = blockTable[tableOffset + p / IterationBatch.BlockTokens];
            uint v = values[(page * args.KvHeads + kvh) * pagePairs + (p % IterationBatch.BlockTokens) * pairs + pair];
            float lo = Ptx.Lo(v), hi = Ptx.Hi(v);
            float w0 = sS[pp]; o0 += w0 * lo; h0 += w0 * hi;
            if (group > 1) { float w = sS[SplitTokens + pp]; o1 += w * lo; h1 += w * hi; }
            if (group > 2) { float w = sS[2 * SplitTokens + pp]; o2 += w * lo; h2 += w * hi; }
            if (group > 3) { float w = sS[3 * SplitTokens + pp]; o3 += w * lo; h3 += w * hi; }
            if (group > 4) { float w = sS[4 * SplitTokens + pp]; o4 += w * lo; h4 += w * hi; }
            if (group > 5) { float w = sS[5 * SplitTokens + pp]; o5 += w * lo; h5 += w * hi; }
            if (group > 6) { float w = sS[6 * SplitTokens + pp]; o6 += w * lo; h6 += w * hi; }
            if (group > 7) { float w = sS[7 * SplitTokens + pp]; o7 += w * lo; h7 += w * hi; }
        }
        // oS[part][head][column]; then part 0 adds the parts in order and writes the partial.
        int ob = part * MaxGroup * d + 2 * pair;
        oS[ob] = o0; oS[ob + 1] = h0;
        if (group > 1) { oS[ob + d] = o1; oS[ob + d + 1] = h1; }
        if (group > 2) { oS[ob + 2 * d] = o2; oS[ob + 2 * d + 1] = h2; }
        if (group > 3) { oS[ob + 3 * d] = o3; oS[ob + 3 * d + 1] = h3; }
        if (group > 4) { oS[ob + 4 * d] = o4; oS[ob + 4 * d + 1] = h4; }
        if (group > 5) { oS[ob + 5 * d] = o5; oS[ob + 5 * d + 1] = h5; }
        if (group > 6) { oS[ob + 6 * d] = o6; oS[ob + 6 * d + 1] = h6; }
        if (group > 7) { oS[ob + 7 * d] = o7; oS[ob + 7 * d + 1] = h7; }
        Group.Barrier();

        int stride = PartialStride(d);
        long outBase = ((long)item * args.QueryHeads + (long)kvh * group) * stride;
        for (int i = tid; i < group * d; i += Threads)
        {
            int h = i / d, c = i - h * d;
            float acc = 0f;
            for (int pt = 0; pt < parts; pt++) acc += oS[pt * MaxGroup * d + h * d + c];
            partial[outBase + (long)h * stride + c] = acc;
        }
        if (tid < group)
        {
            partial[outBase + (long)tid * stride + d] = stat[2 * tid];
            partial[outBase + (long)tid * stride + d + 1] = stat[2 * tid + 1];
        }
    }

    /// <summary>
    /// One index per (decode row, query head, column): merges the row's splits in order, out = Σ 2^(m_s − m)·o_s / Σ 2^(m_s − m)·l_s,
    /// into the bf16 attention rows.
    /// </summary>
    public static void Combine(Index1D i, AttentionArgs args, ArrayView<int> decodeRows, ArrayView<float> partial, ArrayView<ushort> output)
    {
        int d = args.HeadDim, width = args.QueryHeads * d;
        int dr = i / width, rest = i - dr * width, h = rest / d, c = rest - h * d;
        int row = decodeRows[dr * RowInts], firstItem = decodeRows[dr * RowInts + 1], itemCount = decodeRows[dr * RowInts + 2];
        int stride = PartialStride(d);
        float m = float.NegativeInfinity;
        for (int s = 0; s < itemCount; s++)
            m = IntrinsicMath.Max(m, partial[((long)(firstItem + s) * args.QueryHeads + h) * stride + d]);
        float num = 0f, den = 0f;
        for (int s = 0; s < itemCount; s++)
        {
            long b = ((long)(firstItem + s) * args.QueryHeads + h) * stride;
            float w = Ptx.Exp2(partial[b + d] - m);
            num += w * partial[b + c];
            den += w * partial[b + d + 1];
        }
        uint bits = Interop.FloatAsInt(num / den);
        output[(long)row * width + h * d + c] = (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
    }

    private static float Bf16ToFloat(ushort bits) => Interop.IntAsFloat((uint)bits << 16);

    // Eight bf16 keys (one 16-byte chunk) against q[offset .. offset + 7], in element order.
    private static float Dot8(U4 k, ArrayView<float> q, int offset) =>
        Ptx.Lo(k.X) * q[offset] + Ptx.Hi(k.X) * q[offset + 1] + Ptx.Lo(k.Y) * q[offset + 2] + Ptx.Hi(k.Y) * q[offset + 3]
        + Ptx.Lo(k.Z) * q[offset + 4] + Ptx.Hi(k.Z) * q[offset + 5] + Ptx.Lo(k.W) * q[offset + 6] + Ptx.Hi(k.W) * q[offset + 7];
}

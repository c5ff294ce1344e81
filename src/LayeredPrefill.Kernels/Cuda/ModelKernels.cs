using ILGPU;
using ILGPU.Algorithms;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>
/// The bf16 model's kernels around the GEMMs and attention: weight fills from the CPU engine's counter hash, embedding,
/// RMSNorm into bf16, RoPE with the paged KV write, the residual top-k combine, argmax and the non-finite flag.
/// Every reduction runs in a fixed order that does not depend on which other rows share the batch, so a row's result is
/// the same under any schedule.
/// </summary>
public static class ModelKernels
{
    /// <summary>Threads of the one-block-per-row kernels (RMSNorm, argmax).</summary>
    public const int RowThreads = 256;

    /// <summary>
    /// Weight pairs of a matrix stored [<paramref name="n"/> output rows, <paramref name="k"/> inputs] (the tile GEMM's B),
    /// value (n, c) = offset + scale · the CPU engine's draw for its own layout [k, n], index c·n + n: the same matrix as
    /// <c>MoeWeights</c>, rounded to bf16. One index per pair of inputs.
    /// </summary>
    public static void FillWeights(Index1D i, ArrayView<uint> pairs, long seed, long stream, int n, int k, float scale, float offset)
    {
        long pair = i;
        long row = pair / (k / 2), c = (pair - row * (k / 2)) * 2;
        float lo = offset + scale * Symmetric(seed, stream, c * n + row);
        float hi = offset + scale * Symmetric(seed, stream, (c + 1) * n + row);
        pairs[i] = Ptx.Pack(lo, hi);
    }

    /// <summary>Floats in the CPU layout: value j = offset + scale · draw j (norm weights, kept in f32).</summary>
    public static void FillFloats(Index1D i, ArrayView<float> values, long seed, long stream, float scale, float offset) =>
        values[i] = offset + scale * Symmetric(seed, stream, i);

    /// <summary>Pairs of a row-major matrix in the CPU layout (the embedding [vocab, hidden]): pair j holds draws 2j and 2j+1.</summary>
    public static void FillRowMajor(Index1D i, ArrayView<uint> pairs, long seed, long stream, float scale)
    {
        long j = 2L * i;
        pairs[i] = Ptx.Pack(scale * Symmetric(seed, stream, j), scale * Symmetric(seed, stream, j + 1));
    }

    // CounterRandom.Symmetric on the device: (u24 − 2^23)·2^-23 is exact in float, so host and device draws are equal.
    private static float Symmetric(long seed, long stream, long index)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)stream * 0xBF58476D1CE4E5B9UL ^ (ulong)index * 0x94D049BB133111EBUL);
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        int u24 = (int)(z >> 40);
        return (u24 - 8388608) * (1f / 8388608f);
    }

    /// <summary>hidden[row] = embedding[token[row]] (bf16 → f32) for the listed rows; one index per pair of columns.</summary>
    public static void Embed(Index1D i, ArrayView<int> rows, ArrayView<int> tokens, ArrayView<uint> embedding, ArrayView<float> hidden, int width)
    {
        int half = width / 2;
        int row = rows[i / half];
        long c = i % half;
        uint v = embedding[(long)tokens[row] * half + c];
        long o = (long)row * width + 2 * c;
        hidden[o] = Ptx.Lo(v);
        hidden[o + 1] = Ptx.Hi(v);
    }

    /// <summary>
    /// One block of <see cref="RowThreads"/> per row: y = bf16(x / rms(x) ⊙ w). The sum of squares is a fixed tree (strided
    /// partial sums, then warp shuffles, then the warps in order), the same for every row whatever the batch.
    /// Row r of the output is input row <c>rowMap[r]</c> (an identity map when the rows are already compact).
    /// </summary>
    public static void RmsNorm(ArrayView<float> x, ArrayView<int> rowMap, int useMap, ArrayView<float> weight, ArrayView<uint> y, int width)
    {
        int r = Grid.IdxX, tid = Group.IdxX;
        long src = (long)(useMap != 0 ? rowMap[r] : r) * width;
        var partial = SharedMemory.Allocate<float>(RowThreads / 32);
        float ss = 0f;
        for (int c = tid; c < width; c += RowThreads) { float v = x[src + c]; ss += v * v; }
        for (int m = 16; m > 0; m >>= 1) ss += Warp.ShuffleXor(ss, m);
        if ((tid & 31) == 0) partial[tid >> 5] = ss;
        Group.Barrier();
        float total = 0f;
        for (int w = 0; w < RowThreads / 32; w++) total += partial[w];
        float inv = 1f / XMath.Sqrt(total / width + KernelConstants.NormEpsilon);
        long dst = (long)r * (width / 2);
        for (int p = tid; p < width / 2; p += RowThreads)
        {
            long c = src + 2 * p;
            y[dst + p] = Ptx.Pack(x[c] * weight[2 * p] * inv, x[c + 1] * weight[2 * p + 1] * inv);
        }
    }

    /// <summary>
    /// One index per (row, head, rotary pair) of the f32 QKV rows: rotate-half RoPE (the host's cos/sin table) on q and k,
    /// q into the bf16 query rows, k and v into the row's paged slot of the bf16 cache, laid out [block][kv head][16][dim].
    /// Index space: rows × (q heads + kv heads) × half; q, keys and values are bf16 elements (threads j and j + half of a head write
    /// neighbouring halves of one word with 16-bit stores); the v head of kv head h is copied by the threads of its k head.
    /// </summary>
    public static void RopeWriteKv(Index1D i, ArrayView<float> qkv, ArrayView<int> positions, ArrayView<int> tableOffsets, ArrayView<int> blockTable,
        ArrayView<float> cos, ArrayView<float> sin, ArrayView<ushort> q, ArrayView<ushort> keys, ArrayView<ushort> values,
        int queryHeads, int kvHeads, int headDim)
    {
        int half = headDim / 2, heads = queryHeads + kvHeads;
        int t = i / (heads * half), rest = i % (heads * half), h = rest / half, j = rest % half;
        int width = (queryHeads + 2 * kvHeads) * headDim;
        int pos = positions[t];
        long p = (long)pos * half + j;
        long b = (long)t * width + h * headDim;
        float a = qkv[b + j], c = qkv[b + j + half];
        float lo = a * cos[p] - c * sin[p], hi = c * cos[p] + a * sin[p];
        if (h < queryHeads)
        {
            long qb = (long)t * queryHeads * headDim + h * headDim;
            q[qb + j] = Bf16Bits(lo);
            q[qb + j + half] = Bf16Bits(hi);
            return;
        }
        int kvh = h - queryHeads;
        int block = blockTable[tableOffsets[t] + pos / IterationBatch.BlockTokens];
        long slot = (((long)block * kvHeads + kvh) * IterationBatch.BlockTokens + pos % IterationBatch.BlockTokens) * headDim;
        keys[slot + j] = Bf16Bits(lo);
        keys[slot + j + half] = Bf16Bits(hi);
        long vb = (long)t * width + (queryHeads + kvHeads + kvh) * headDim;
        values[slot + j] = Bf16Bits(qkv[vb + j]);
        values[slot + j + half] = Bf16Bits(qkv[vb + j + half]);
    }

    private static ushort Bf16Bits(float value)
    {
        uint bits = Interop.FloatAsInt(value);
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
    }

    /// <summary>hidden[rowMap[t], h..h+1] += Σ over the token's slots of the weighted expert outputs (bf16 pairs), in slot order;
    /// sets flags[flagSlot] when a result is not finite (the layer's output check, fused here to save a pass over the rows).</summary>
    public static void CombineAdd(Index1D i, ArrayView<uint> perSlotPairs, int hidden, int topK, ArrayView<int> rowMap, int useMap, ArrayView<float> output,
        ArrayView<int> flags, int flagSlot)
    {
        int half = hidden / 2;
        long t = i / half, h = i - t * half;
        float lo = 0f, hi = 0f;
        RoutingKernels.SlotSum(perSlotPairs, hidden, topK, i, ref lo, ref hi);
        long row = useMap != 0 ? rowMap[(int)t] : t;
        long o = row * hidden + 2 * h;
        float a = output[o] + lo, b = output[o + 1] + hi;
        output[o] = a;
        output[o + 1] = b;
        if (float.IsNaN(a) || float.IsInfinity(a) || float.IsNaN(b) || float.IsInfinity(b)) flags[flagSlot] = 1;
    }

    /// <summary>dst[r] = src[rowMap[r]] (f32 rows of <paramref name="width"/>); one index per element.</summary>
    public static void GatherRows(Index1D i, ArrayView<float> src, ArrayView<int> rowMap, ArrayView<float> dst, int width)
    {
        long r = i / width, c = i - r * width;
        dst[i] = src[(long)rowMap[(int)r] * width + c];
    }

    /// <summary>dst[rowMap[r]] = src[r] (the inverse of <see cref="GatherRows"/>); one index per element.</summary>
    public static void ScatterRows(Index1D i, ArrayView<float> src, ArrayView<int> rowMap, ArrayView<float> dst, int width)
    {
        long r = i / width, c = i - r * width;
        dst[(long)rowMap[(int)r] * width + c] = src[i];
    }

    /// <summary>One block per row of <paramref name="stride"/> logits: the first index of the largest of the first <paramref name="vocab"/>
    /// (ties to the lower index, as the host argmax).</summary>
    public static void Argmax(ArrayView<float> logits, ArrayView<int> result, int vocab, int stride)
    {
        int r = Grid.IdxX, tid = Group.IdxX;
        long b = (long)r * stride;
        var bestV = SharedMemory.Allocate<float>(RowThreads / 32);
        var bestI = SharedMemory.Allocate<int>(RowThreads / 32);
        float v = float.NegativeInfinity;
        int best = int.MaxValue;
        for (int c = tid; c < vocab; c += RowThreads)
        {
            float x = logits[b + c];
            if (x > v) { v = x; best = c; }
        }
        for (int m = 16; m > 0; m >>= 1)
        {
            float ov = Warp.ShuffleXor(v, m);
            int oi = Warp.ShuffleXor(best, m);
            if (ov > v || (ov == v && oi < best)) { v = ov; best = oi; }
        }
        if ((tid & 31) == 0) { bestV[tid >> 5] = v; bestI[tid >> 5] = best; }
        Group.Barrier();
        if (tid != 0) return;
        float bv = bestV[0];
        int bi = bestI[0];
        for (int w = 1; w < RowThreads / 32; w++)
            if (bestV[w] > bv || (bestV[w] == bv && bestI[w] < bi)) { bv = bestV[w]; bi = bestI[w]; }
        result[r] = bi == int.MaxValue ? 0 : bi;
    }

    /// <summary>Sets flags[slot] when any of the first <c>count</c> floats is NaN or infinite (every writer writes 1).</summary>
    public static void FlagNonFinite(Index1D i, ArrayView<float> x, ArrayView<int> flags, int slot)
    {
        float v = x[i];
        if (float.IsNaN(v) || float.IsInfinity(v)) flags[slot] = 1;
    }

    /// <summary>The tiles of a dense GEMM over <paramref name="rows"/> rows: tile j = (matrix 0, first row 64·j, rows), one thread per tile.</summary>
    public static void DenseTiles(Index1D j, ArrayView<int> tileInfo, ArrayView<int> tileCount, int rows)
    {
        int first = j * GroupedGemmKernel.TileRows;
        tileInfo[j * 3] = 0;
        tileInfo[j * 3 + 1] = first;
        tileInfo[j * 3 + 2] = IntrinsicMath.Min(GroupedGemmKernel.TileRows, rows - first);
        if (j == 0) tileCount[0] = (rows + GroupedGemmKernel.TileRows - 1) / GroupedGemmKernel.TileRows;
    }
}

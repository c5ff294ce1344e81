using ILGPU;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>Scalar arguments of the attention kernels.</summary>
public struct AttentionArgs
{
    /// <summary>Query heads of the model.</summary>
    public int QueryHeads;
    /// <summary>Key/value heads (the cache's heads).</summary>
    public int KvHeads;
    /// <summary>Head size: 64 or 128.</summary>
    public int HeadDim;
    /// <summary>Softmax scale 1/√HeadDim times log2(e): scores stay in the log2 domain, so ex2 computes the exponentials.</summary>
    public float ScaleLog2;
}

/// <summary>
/// Causal attention over the paged bf16 KV cache on tensor cores (FlashAttention-2's scheme with mma.sync m16n8k16), for
/// prefill slices and decode rows alike: each 128-thread block takes one tile of up to 16 consecutive positions of one
/// request and four query heads of one KV head, one warp per head; K and V of 32 positions at a time stage through two
/// shared-memory buffers (the next KV tile is loaded into registers while the current one is computed), scores and the
/// running softmax stay in registers, and P·V reuses the score fragments as the A operand.
/// A prefill tile reads KV tiles 0 .. its last position and writes normalised bf16 rows. A decode row (one position) is cut
/// into splits of <see cref="SplitTokens"/> positions, each a tile of its own that writes its unnormalised output, maximum
/// and sum, and <see cref="Combine"/> merges a row's splits in order (flash-decoding): a long context then fills the GPU
/// even when few rows decode, and decode is memory-bound, so the 15 idle rows of its tile cost nothing that matters.
/// A row's result does not depend on the other rows of its batch: KV tiles start at absolute positions 0, 32, … and a tile
/// past a row's position is fully masked (its exponentials are exactly 0 and the rescale exactly 1), so a prompt split
/// into any chunks gets bit-identical attention, and a decode row's splits depend only on its own context.
/// </summary>
public static class AttentionKernel
{
    /// <summary>Threads per block: four warps, one query head each.</summary>
    public const int Threads = 128;
    /// <summary>Query rows per tile.</summary>
    public const int TileRows = 16;
    /// <summary>KV positions per shared-memory stage.</summary>
    public const int KvTile = 32;
    /// <summary>Largest head size (the shared layout is sized for it).</summary>
    public const int MaxHeadDim = 128;
    /// <summary>Ints per entry of the tile list: first row, rows, block-table offset, position of the first row, first and
    /// one-past-last KV tile, and the decode split's partial index (-1 for a prefill tile).</summary>
    public const int TileInts = 7;
    /// <summary>Context positions per decode split (a multiple of <see cref="KvTile"/>).</summary>
    public const int SplitTokens = 256;
    /// <summary>Ints per decode row for <see cref="Combine"/>: row, first partial, partials.</summary>
    public const int RowInts = 3;

    /// <summary>Floats per (partial, query head): the head's unnormalised output, then its maximum (log2 domain) and sum.</summary>
    public static int PartialStride(int headDim) => headDim + 2;

    private const int MaxRowBytes = MaxHeadDim * 2;
    private const int QBytes = 4 * TileRows * MaxRowBytes;        // 16 KB: four heads × 16 rows
    private const int StageBytes = 2 * KvTile * MaxRowBytes;      // 16 KB: K then V of 32 positions
    private const int SharedWords = (QBytes + 2 * StageBytes) / 4; // 48 KB, the static limit

    /// <summary>The kernel; grid = (query heads / 4, tiles), group = <see cref="Threads"/>.</summary>
    public static void Kernel(
        AttentionArgs args,
        ArrayView<int> tiles,      // TileInts per tile
        ArrayView<U4> q,           // bf16 query rows [rows, QueryHeads·HeadDim] as 16-byte chunks
        ArrayView<U4> keys,        // bf16 cache [block][kv head][16][HeadDim] as chunks
        ArrayView<U4> values,
        ArrayView<int> blockTable,
        ArrayView<uint> output,    // bf16 pairs [rows, QueryHeads·HeadDim / 2]
        ArrayView<float> partial)  // decode splits: [partials, QueryHeads, PartialStride]
    {
        // Grid x = the query heads' quads, so the blocks of one tile (and the two quads that share a KV head) run together and
        // the second reader of a KV tile finds it in L2.
        int tile = Grid.IdxY, quad = Grid.IdxX, tid = Group.IdxX;
        int rowStart = tiles[tile * TileInts], rows = tiles[tile * TileInts + 1];
        int tableOffset = tiles[tile * TileInts + 2], pos0 = tiles[tile * TileInts + 3];
        int firstKvTile = tiles[tile * TileInts + 4], endKvTile = tiles[tile * TileInts + 5], split = tiles[tile * TileInts + 6];
        int d = args.HeadDim, chunks = d / 8, rowBytes = d * 2;
        int group = args.QueryHeads / args.KvHeads;
        int warp = tid >> 5, lane = tid & 31, g = lane >> 2, tig = lane & 3;
        int head = quad * 4 + warp, kvh = quad * 4 / group;

        // The kernel's only shared allocation, so that ldmatrix can address it as __shared_alloca0.
        var smem = SharedMemory.Allocate<uint>(SharedWords);
        var s4 = smem.Cast<U4>();
        uint sBase = Ptx.FirstSharedAddress();
        int qRegion = warp * TileRows * rowBytes;

        // Each warp stages its head's 16 rows (rows past the tile are zeros); chunk c of row r sits at c ^ (r & 7).
        long qRowChunks = (long)args.QueryHeads * chunks;
        for (int idx = lane; idx < TileRows * chunks; idx += 32)
        {
            int r = idx / chunks, c = idx - r * chunks;
            U4 v = default;
            if (r < rows) v = q[(rowStart + r) * qRowChunks + head * chunks + c];
            s4[(qRegion + r * rowBytes) / 16 + (c ^ (r & 7))] = v;
        }

        // K/V copies: thread t moves chunk t % chunks of positions t / chunks + rowStride·i (4 of K and 4 of V at d = 128, 2 at 64).
        int cc = tid % chunks, row0 = tid / chunks, rowStride = Threads / chunks;
        bool two = rowStride * 2 < KvTile;   // four positions per thread (d = 128) rather than two
        int kvEnd = pos0 + rows;
        long pageChunks = (long)IterationBatch.BlockTokens * chunks;
        long headPage = args.KvHeads * pageChunks;
        U4 k0 = default, k1 = default, k2 = default, k3 = default, v0 = default, v1 = default, v2 = default, v3 = default;
        int p0 = firstKvTile * KvTile + row0;
        LoadKv(keys, values, blockTable, tableOffset, kvEnd, p0, headPage, kvh * pageChunks, chunks, cc, ref k0, ref v0);
        LoadKv(keys, values, blockTable, tableOffset, kvEnd, p0 + rowStride, headPage, kvh * pageChunks, chunks, cc, ref k1, ref v1);
        if (two)
        {
            LoadKv(keys, values, blockTable, tableOffset, kvEnd, p0 + 2 * rowStride, headPage, kvh * pageChunks, chunks, cc, ref k2, ref v2);
            LoadKv(keys, values, blockTable, tableOffset, kvEnd, p0 + 3 * rowStride, headPage, kvh * pageChunks, chunks, cc, ref k3, ref v3);
        }
        int swz = cc ^ (row0 & 7);   // every row this thread copies is ≡ row0 (mod 8)
        PutKv(s4, (firstKvTile & 1) * (StageBytes / 16), row0, rowStride, rowBytes, swz, two, k0, k1, k2, k3, v0, v1, v2, v3);
        Group.Barrier();

        Acc4 o0 = default, o1 = default, o2 = default, o3 = default, o4 = default, o5 = default, o6 = default, o7 = default;
        Acc4 o8 = default, o9 = default, o10 = default, o11 = default, o12 = default, o13 = default, o14 = default, o15 = default;
        float mA = float.NegativeInfinity, mB = float.NegativeInfinity, lA = 0f, lB = 0f;
        bool wide = d == MaxHeadDim;
        // ldmatrix row addresses: lane l feeds matrix l/8 with row l%8; every row it names is ≡ l%8 (mod 8), its swizzle.
        int mi = lane >> 3, r8 = lane & 7;
        uint qAddr = sBase + (uint)(qRegion + ((mi & 1) * 8 + r8) * rowBytes);
        int qHalf = mi >> 1, kHalf = mi & 1, vHalf = mi >> 1;
        int kRow = (mi >> 1) * 8 + r8, vRow = (mi & 1) * 8 + r8;
        int posA = pos0 + g, posB = posA + 8;

        for (int j = firstKvTile; j < endKvTile; j++)
        {
            bool more = j + 1 < endKvTile;
            if (more)
            {
                int p = (j + 1) * KvTile + row0;
                LoadKv(keys, values, blockTable, tableOffset, kvEnd, p, headPage, kvh * pageChunks, chunks, cc, ref k0, ref v0);
                LoadKv(keys, values, blockTable, tableOffset, kvEnd, p + rowStride, headPage, kvh * pageChunks, chunks, cc, ref k1, ref v1);
                if (two)
                {
                    LoadKv(keys, values, blockTable, tableOffset, kvEnd, p + 2 * rowStride, headPage, kvh * pageChunks, chunks, cc, ref k2, ref v2);
                    LoadKv(keys, values, blockTable, tableOffset, kvEnd, p + 3 * rowStride, headPage, kvh * pageChunks, chunks, cc, ref k3, ref v3);
                }
            }
            uint kBase = sBase + (uint)(QBytes + (j & 1) * StageBytes);
            uint vBase = kBase + (uint)(KvTile * rowBytes);

            // S = Q·Kᵀ for 16 rows × 32 positions: n-tiles 0-1 from K rows 0-15, 2-3 from rows 16-31.
            Acc4 s0 = default, s1 = default, s2 = default, s3 = default;
            for (int ks = 0; ks < chunks / 2; ks++)
            {
                U4 a = Ptx.LoadMatrixX4(qAddr + (uint)(((2 * ks + qHalf) ^ r8) << 4));
                uint kc = (uint)(((2 * ks + kHalf) ^ r8) << 4);
                U4 b01 = Ptx.LoadMatrixX4(kBase + (uint)(kRow * rowBytes) + kc);
                U4 b23 = Ptx.LoadMatrixX4(kBase + (uint)((kRow + 16) * rowBytes) + kc);
                Ptx.MmaBf16(ref s0, a.X, a.Y, a.Z, a.W, b01.X, b01.Y);
                Ptx.MmaBf16(ref s1, a.X, a.Y, a.Z, a.W, b01.Z, b01.W);
                Ptx.MmaBf16(ref s2, a.X, a.Y, a.Z, a.W, b23.X, b23.Y);
                Ptx.MmaBf16(ref s3, a.X, a.Y, a.Z, a.W, b23.Z, b23.W);
            }

            // Causal mask and scale: this lane holds rows g (C0, C1) and g + 8 (C2, C3), positions kv0 + 8n + {0, 1}.
            int kv0 = j * KvTile + 2 * tig;
            Mask(ref s0, kv0, posA, posB, args.ScaleLog2);
            Mask(ref s1, kv0 + 8, posA, posB, args.ScaleLog2);
            Mask(ref s2, kv0 + 16, posA, posB, args.ScaleLog2);
            Mask(ref s3, kv0 + 24, posA, posB, args.ScaleLog2);
            float tA = Max4(Max2(s0.C0, s0.C1), Max2(s1.C0, s1.C1), Max2(s2.C0, s2.C1), Max2(s3.C0, s3.C1));
            float tB = Max4(Max2(s0.C2, s0.C3), Max2(s1.C2, s1.C3), Max2(s2.C2, s2.C3), Max2(s3.C2, s3.C3));
            tA = Max2(tA, Warp.ShuffleXor(tA, 1)); tA = Max2(tA, Warp.ShuffleXor(tA, 2));
            tB = Max2(tB, Warp.ShuffleXor(tB, 1)); tB = Max2(tB, Warp.ShuffleXor(tB, 2));
            // The first KV tile holds a position every row of the tile attends to (position 0, or a decode split's first, which
            // is at most the row's position), so the running maxima are finite from the first tile on.
            float nA = Max2(mA, tA), nB = Max2(mB, tB);
            float alphaA = Ptx.Exp2(mA - nA), alphaB = Ptx.Exp2(mB - nB);
            mA = nA; mB = nB;
            Exp(ref s0, mA, mB); Exp(ref s1, mA, mB); Exp(ref s2, mA, mB); Exp(ref s3, mA, mB);
            lA = lA * alphaA + (s0.C0 + s0.C1 + s1.C0 + s1.C1 + s2.C0 + s2.C1 + s3.C0 + s3.C1);
            lB = lB * alphaB + (s0.C2 + s0.C3 + s1.C2 + s1.C3 + s2.C2 + s2.C3 + s3.C2 + s3.C3);
            Rescale(alphaA, alphaB, ref o0, ref o1, ref o2, ref o3, ref o4, ref o5, ref o6, ref o7);
            if (wide) Rescale(alphaA, alphaB, ref o8, ref o9, ref o10, ref o11, ref o12, ref o13, ref o14, ref o15);

            // O += P·V: P's accumulator fragments are mma's A fragments (positions 0-15 from n-tiles 0-1, 16-31 from 2-3).
            uint vLane = vBase + (uint)(vRow * rowBytes);
            Pv(vLane, vHalf, r8, wide, Ptx.Pack(s0.C0, s0.C1), Ptx.Pack(s0.C2, s0.C3), Ptx.Pack(s1.C0, s1.C1), Ptx.Pack(s1.C2, s1.C3),
                ref o0, ref o1, ref o2, ref o3, ref o4, ref o5, ref o6, ref o7, ref o8, ref o9, ref o10, ref o11, ref o12, ref o13, ref o14, ref o15);
            Pv(vLane + (uint)(16 * rowBytes), vHalf, r8, wide, Ptx.Pack(s2.C0, s2.C1), Ptx.Pack(s2.C2, s2.C3), Ptx.Pack(s3.C0, s3.C1), Ptx.Pack(s3.C2, s3.C3),
                ref o0, ref o1, ref o2, ref o3, ref o4, ref o5, ref o6, ref o7, ref o8, ref o9, ref o10, ref o11, ref o12, ref o13, ref o14, ref o15);

            // The other stage was last read in iteration j - 1, before the barrier that ended it.
            if (more) PutKv(s4, ((j + 1) & 1) * (StageBytes / 16), row0, rowStride, rowBytes, swz, two, k0, k1, k2, k3, v0, v1, v2, v3);
            Group.Barrier();
        }

        lA += Warp.ShuffleXor(lA, 1); lA += Warp.ShuffleXor(lA, 2);
        lB += Warp.ShuffleXor(lB, 1); lB += Warp.ShuffleXor(lB, 2);
        if (split >= 0)
        {
            // A decode split: its one row's unnormalised output, maximum and sum, for Combine.
            if (g != 0) return;
            int stride = PartialStride(d);
            long pb = ((long)split * args.QueryHeads + head) * stride + 2 * tig;
            Partial8(partial, pb, ref o0, ref o1, ref o2, ref o3, ref o4, ref o5, ref o6, ref o7, 0);
            if (wide) Partial8(partial, pb, ref o8, ref o9, ref o10, ref o11, ref o12, ref o13, ref o14, ref o15, 8);
            if (tig == 0)
            {
                partial[pb + d] = mA;
                partial[pb + d + 1] = lA;
            }
            return;
        }
        float invA = 1f / lA, invB = 1f / lB;
        long pairsPerRow = (long)args.QueryHeads * d / 2;
        long outA = (rowStart + g) * pairsPerRow + (head * d + 2 * tig) / 2, outB = outA + 8 * pairsPerRow;
        bool rowA = g < rows, rowB = g + 8 < rows;
        Store(output, outA, outB, rowA, rowB, invA, invB, ref o0, ref o1, ref o2, ref o3, ref o4, ref o5, ref o6, ref o7, 0);
        if (wide) Store(output, outA, outB, rowA, rowB, invA, invB, ref o8, ref o9, ref o10, ref o11, ref o12, ref o13, ref o14, ref o15, 8);
    }

    private static void Partial8(ArrayView<float> partial, long pb,
        ref Acc4 o0, ref Acc4 o1, ref Acc4 o2, ref Acc4 o3, ref Acc4 o4, ref Acc4 o5, ref Acc4 o6, ref Acc4 o7, int firstTile)
    {
        Partial1(partial, pb, ref o0, firstTile); Partial1(partial, pb, ref o1, firstTile + 1);
        Partial1(partial, pb, ref o2, firstTile + 2); Partial1(partial, pb, ref o3, firstTile + 3);
        Partial1(partial, pb, ref o4, firstTile + 4); Partial1(partial, pb, ref o5, firstTile + 5);
        Partial1(partial, pb, ref o6, firstTile + 6); Partial1(partial, pb, ref o7, firstTile + 7);
    }

    // n-tile n holds this lane's columns 8n + 2·tig and 8n + 2·tig + 1 of row g (C0, C1).
    private static void Partial1(ArrayView<float> partial, long pb, ref Acc4 o, int n)
    {
        partial[pb + 8 * n] = o.C0;
        partial[pb + 8 * n + 1] = o.C1;
    }

    /// <summary>
    /// One index per (decode row, query head, column): merges the row's splits in order, out = Σ 2^(m_s − m)·o_s / Σ 2^(m_s − m)·l_s,
    /// into the bf16 attention rows.
    /// </summary>
    public static void Combine(Index1D i, AttentionArgs args, ArrayView<int> decodeRows, ArrayView<float> partial, ArrayView<ushort> output)
    {
        int d = args.HeadDim, width = args.QueryHeads * d;
        int dr = i / width, rest = i - dr * width, h = rest / d, c = rest - h * d;
        int row = decodeRows[dr * RowInts], first = decodeRows[dr * RowInts + 1], count = decodeRows[dr * RowInts + 2];
        int stride = PartialStride(d);
        float m = float.NegativeInfinity;
        for (int s = 0; s < count; s++)
            m = IntrinsicMath.Max(m, partial[((long)(first + s) * args.QueryHeads + h) * stride + d]);
        float num = 0f, den = 0f;
        for (int s = 0; s < count; s++)
        {
            long b = ((long)(first + s) * args.QueryHeads + h) * stride;
            float w = Ptx.Exp2(partial[b + d] - m);
            num += w * partial[b + c];
            den += w * partial[b + d + 1];
        }
        uint bits = Interop.FloatAsInt(num / den);
        output[(long)row * width + h * d + c] = (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
    }

    // Position p's chunk cc of K and V for this block's KV head, or zeros past the cache's end (those positions are masked).
    private static void LoadKv(ArrayView<U4> keys, ArrayView<U4> values, ArrayView<int> blockTable, int tableOffset, int kvEnd, int p,
        long headPage, long headOffset, int chunks, int cc, ref U4 k, ref U4 v)
    {
        if (p >= kvEnd) { k = default; v = default; return; }
        long page = blockTable[tableOffset + p / IterationBatch.BlockTokens];
        long index = page * headPage + headOffset + (p % IterationBatch.BlockTokens) * chunks + cc;
        k = keys[index];
        v = values[index];
    }

    // Stores a thread's K and V chunks of one tile into the stage starting at chunk `stage` (after the Q region).
    private static void PutKv(ArrayView<U4> s4, int stage, int row0, int rowStride, int rowBytes, int swz, bool two,
        U4 k0, U4 k1, U4 k2, U4 k3, U4 v0, U4 v1, U4 v2, U4 v3)
    {
        int kChunk = QBytes / 16 + stage + row0 * (rowBytes / 16) + swz;
        int step = rowStride * (rowBytes / 16), vOffset = KvTile * rowBytes / 16;
        s4[kChunk] = k0; s4[kChunk + vOffset] = v0;
        s4[kChunk + step] = k1; s4[kChunk + step + vOffset] = v1;
        if (!two) return;
        s4[kChunk + 2 * step] = k2; s4[kChunk + 2 * step + vOffset] = v2;
        s4[kChunk + 3 * step] = k3; s4[kChunk + 3 * step + vOffset] = v3;
    }

    private static void Mask(ref Acc4 s, int kv, int posA, int posB, float scale)
    {
        s.C0 = kv <= posA ? s.C0 * scale : float.NegativeInfinity;
        s.C1 = kv + 1 <= posA ? s.C1 * scale : float.NegativeInfinity;
        s.C2 = kv <= posB ? s.C2 * scale : float.NegativeInfinity;
        s.C3 = kv + 1 <= posB ? s.C3 * scale : float.NegativeInfinity;
    }

    private static void Exp(ref Acc4 s, float mA, float mB)
    {
        s.C0 = Ptx.Exp2(s.C0 - mA);
        s.C1 = Ptx.Exp2(s.C1 - mA);
        s.C2 = Ptx.Exp2(s.C2 - mB);
        s.C3 = Ptx.Exp2(s.C3 - mB);
    }

    private static float Max2(float a, float b) => a > b ? a : b;

    private static float Max4(float a, float b, float c, float e) => Max2(Max2(a, b), Max2(c, e));

    private static void Rescale(float a, float b, ref Acc4 o0, ref Acc4 o1, ref Acc4 o2, ref Acc4 o3, ref Acc4 o4, ref Acc4 o5, ref Acc4 o6, ref Acc4 o7)
    {
        Scale(ref o0, a, b); Scale(ref o1, a, b); Scale(ref o2, a, b); Scale(ref o3, a, b);
        Scale(ref o4, a, b); Scale(ref o5, a, b); Scale(ref o6, a, b); Scale(ref o7, a, b);
    }

    private static void Scale(ref Acc4 o, float a, float b)
    {
        o.C0 *= a; o.C1 *= a; o.C2 *= b; o.C3 *= b;
    }

    // One k16 step of P·V (16 positions): n-tile pairs (2dp, 2dp+1) from one ldmatrix.x4.trans each; dp 4-7 only when wide.
    private static void Pv(uint vLane, int vHalf, int r8, bool wide, uint p0, uint p1, uint p2, uint p3,
        ref Acc4 o0, ref Acc4 o1, ref Acc4 o2, ref Acc4 o3, ref Acc4 o4, ref Acc4 o5, ref Acc4 o6, ref Acc4 o7,
        ref Acc4 o8, ref Acc4 o9, ref Acc4 o10, ref Acc4 o11, ref Acc4 o12, ref Acc4 o13, ref Acc4 o14, ref Acc4 o15)
    {
        PvPair(vLane, vHalf, r8, 0, p0, p1, p2, p3, ref o0, ref o1);
        PvPair(vLane, vHalf, r8, 1, p0, p1, p2, p3, ref o2, ref o3);
        PvPair(vLane, vHalf, r8, 2, p0, p1, p2, p3, ref o4, ref o5);
        PvPair(vLane, vHalf, r8, 3, p0, p1, p2, p3, ref o6, ref o7);
        if (!wide) return;
        PvPair(vLane, vHalf, r8, 4, p0, p1, p2, p3, ref o8, ref o9);
        PvPair(vLane, vHalf, r8, 5, p0, p1, p2, p3, ref o10, ref o11);
        PvPair(vLane, vHalf, r8, 6, p0, p1, p2, p3, ref o12, ref o13);
        PvPair(vLane, vHalf, r8, 7, p0, p1, p2, p3, ref o14, ref o15);
    }

    private static void PvPair(uint vLane, int vHalf, int r8, int dp, uint p0, uint p1, uint p2, uint p3, ref Acc4 lo, ref Acc4 hi)
    {
        U4 b = Ptx.LoadMatrixX4Trans(vLane + (uint)(((2 * dp + vHalf) ^ r8) << 4));
        Ptx.MmaBf16(ref lo, p0, p1, p2, p3, b.X, b.Y);
        Ptx.MmaBf16(ref hi, p0, p1, p2, p3, b.Z, b.W);
    }

    private static void Store(ArrayView<uint> output, long outA, long outB, bool rowA, bool rowB, float invA, float invB,
        ref Acc4 o0, ref Acc4 o1, ref Acc4 o2, ref Acc4 o3, ref Acc4 o4, ref Acc4 o5, ref Acc4 o6, ref Acc4 o7, int firstTile)
    {
        Store1(output, outA, outB, rowA, rowB, invA, invB, ref o0, firstTile);
        Store1(output, outA, outB, rowA, rowB, invA, invB, ref o1, firstTile + 1);
        Store1(output, outA, outB, rowA, rowB, invA, invB, ref o2, firstTile + 2);
        Store1(output, outA, outB, rowA, rowB, invA, invB, ref o3, firstTile + 3);
        Store1(output, outA, outB, rowA, rowB, invA, invB, ref o4, firstTile + 4);
        Store1(output, outA, outB, rowA, rowB, invA, invB, ref o5, firstTile + 5);
        Store1(output, outA, outB, rowA, rowB, invA, invB, ref o6, firstTile + 6);
        Store1(output, outA, outB, rowA, rowB, invA, invB, ref o7, firstTile + 7);
    }

    // n-tile n covers head columns 8n .. 8n + 7: this lane's pair is column 8n + 2·tig, i.e. pair 4n further than the base.
    private static void Store1(ArrayView<uint> output, long outA, long outB, bool rowA, bool rowB, float invA, float invB, ref Acc4 o, int n)
    {
        if (rowA) output[outA + 4 * n] = Ptx.Pack(o.C0 * invA, o.C1 * invA);
        if (rowB) output[outB + 4 * n] = Ptx.Pack(o.C2 * invB, o.C3 * invB);
    }
}

using ILGPU;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>What one launch of <see cref="GroupedGemmKernel"/> computes.</summary>
public enum GemmMode
{
    /// <summary>Router logits: every token × all experts, f32 out.</summary>
    Router = 0,
    /// <summary>Gate and up projections of the tokens routed to each tile's expert, SiLU(gate)·up in the epilogue, bf16 out.</summary>
    GateUp = 1,
    /// <summary>Down projection, routing weight in the epilogue, f32 out per (token, slot).</summary>
    Down = 2,
    /// <summary>A dense projection over row tiles of one matrix (v7 only): C[T, N] = A·Bᵀ, f32 out.</summary>
    Dense = 3,
    /// <summary>As <see cref="Dense"/>, added into C (a projection fused with its residual add).</summary>
    DenseAdd = 4,
}

/// <summary>Scalar arguments of <see cref="GroupedGemmKernel"/>; addresses are raw device pointers for the inline 16-byte loads.</summary>
public struct GemmArgs
{
    /// <summary>0 router, 1 gate/up, 2 down, 3 dense, 4 dense added into the output (<see cref="GemmMode"/>).</summary>
    public int Mode;
    /// <summary>Device address of A (bf16, row-major, <see cref="K"/> per row).</summary>
    public ulong ABase;
    /// <summary>Device address of expert 0's B (bf16 [N, K] row-major).</summary>
    public ulong BBase;
    /// <summary>Bytes between two experts' B matrices.</summary>
    public long BExpertStrideBytes;
    /// <summary>Reduction length.</summary>
    public int K;
    /// <summary>Output columns (router: experts; gate/up: FFN size; down: hidden size).</summary>
    public int NOut;
    /// <summary>Tokens (router rows).</summary>
    public int Tokens;
    /// <summary>Routed experts per token.</summary>
    public int TopK;
    /// <summary>Router only: the K range is split this many ways, partial logits go to separate planes.</summary>
    public int KSplits;
    /// <summary>1: grid x = column block, y = tile (blocks sharing an A tile run together, so it is read from DRAM once); 0: x = tile.
    /// Fixed per kernel: <see cref="CudaMoeLayer"/> always launches v7 (expert and dense GEMMs) with 1 and v1 (the router, and layers
    /// too large for v7) with 0.</summary>
    public int ColumnsFastest;
}

/// <summary>
/// A tensor-core tile GEMM over tokens sorted by expert: each 128-thread block computes a 64-row
/// tile of one expert against 64 weight rows with mma.sync m16n8k16 (bf16 in, f32 accumulate).
/// Tiles stage through shared memory with 16-byte global loads; the next K slice is loaded into
/// registers while the current one feeds the tensor cores.
/// </summary>
public static class GroupedGemmKernel
{
    /// <summary>Rows (sorted token slots) per tile.</summary>
    public const int TileRows = 64;
    /// <summary>Weight rows per block.</summary>
    public const int TileCols = 64;
    /// <summary>K per shared-memory stage.</summary>
    public const int TileK = 64;
    /// <summary>Threads per block (4 warps, each owning 16 tile rows).</summary>
    public const int Threads = 128;
    // Row stride in 32-bit words: 32 words of data plus 4 of padding, so the fragment reads of
    // 8 rows × 4 words land in 32 different banks.
    private const int Stride = TileK / 2 + 4;

    /// <summary>The kernel; grid = (tiles, column blocks), group = 128.</summary>
    public static void Kernel(
        GemmArgs args,
        ArrayView<int> tileInfo,     // per tile: expert, first sorted position, rows
        ArrayView<int> tileCount,
        ArrayView<int> sortedSlot,   // sorted position -> token*TopK + slot
        ArrayView<float> slotWeight, // token*TopK + slot -> routing weight
        ArrayView<float> outF32,
        ArrayView<uint> outPairs)
    {
        int tid = Group.IdxX;
        int tile = args.ColumnsFastest != 0 ? Grid.IdxY : Grid.IdxX;
        int column = args.ColumnsFastest != 0 ? Grid.IdxX : Grid.IdxY;
        // The router splits K over extra grid columns (partial-logit planes) so small batches still fill the GPU.
        int colBlocks = args.Mode == 0 ? args.NOut / TileCols : (args.ColumnsFastest != 0 ? Grid.DimX : Grid.DimY);
        int colBlock = column % colBlocks, split = column / colBlocks;
        int kSpan = args.Mode == 0 ? args.K / args.KSplits : args.K;
        int kFirstBytes = split * kSpan * 2;
        int expert, start, rows;
        if (args.Mode == 0)
        {
            expert = 0;
            start = tile * TileRows;
            rows = IntrinsicMin(TileRows, args.Tokens - start);
        }
        else
        {
            if (tile >= tileCount[0]) return;
            expert = tileInfo[tile * 3];
            start = tileInfo[tile * 3 + 1];
            rows = tileInfo[tile * 3 + 2];
        }

        var aS = SharedMemory.Allocate<uint>(TileRows * Stride);
        var bS = SharedMemory.Allocate<uint>(TileCols * Stride);

        // Each thread moves 4 A chunks and 4 B chunks of 16 bytes per stage: row tid/8 + 16i, chunk tid%8.
        int chunk = tid & 7, row0 = tid >> 3;
        long kBytes = (long)args.K * 2;
        ulong a0 = ARow(args, sortedSlot, start, rows, row0, kBytes);
        ulong a1 = ARow(args, sortedSlot, start, rows, row0 + 16, kBytes);
        ulong a2 = ARow(args, sortedSlot, start, rows, row0 + 32, kBytes);
        ulong a3 = ARow(args, sortedSlot, start, rows, row0 + 48, kBytes);
        ulong bExpert = args.BBase + (ulong)(expert * args.BExpertStrideBytes);
        ulong b0 = bExpert + (ulong)(BRow(args, colBlock, row0) * kBytes);
        ulong b1 = bExpert + (ulong)(BRow(args, colBlock, row0 + 16) * kBytes);
        ulong b2 = bExpert + (ulong)(BRow(args, colBlock, row0 + 32) * kBytes);
        ulong b3 = bExpert + (ulong)(BRow(args, colBlock, row0 + 48) * kBytes);

        ulong off = (ulong)(kFirstBytes + chunk * 16);
        U4 ra0 = LoadOrZero(a0, off), ra1 = LoadOrZero(a1, off), ra2 = LoadOrZero(a2, off), ra3 = LoadOrZero(a3, off);
        U4 rb0 = Ptx.Load16(b0 + off), rb1 = Ptx.Load16(b1 + off), rb2 = Ptx.Load16(b2 + off), rb3 = Ptx.Load16(b3 + off);

        Acc4 c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        int warp = tid >> 5, lane = tid & 31, g = lane >> 2, tig = lane & 3;
        bool warpActive = warp * 16 < rows;
        int aFrag = (warp * 16 + g) * Stride + tig;
        int bFrag = g * Stride + tig;
        int sBase = row0 * Stride + chunk * 4;

        for (int k0 = 0; k0 < kSpan; k0 += TileK)
        {
            Group.Barrier();
            Store(aS, sBase, ra0); Store(aS, sBase + 16 * Stride, ra1); Store(aS, sBase + 32 * Stride, ra2); Store(aS, sBase + 48 * Stride, ra3);
            Store(bS, sBase, rb0); Store(bS, sBase + 16 * Stride, rb1); Store(bS, sBase + 32 * Stride, rb2); Store(bS, sBase + 48 * Stride, rb3);
            Group.Barrier();
            if (k0 + TileK < kSpan)
            {
                off = (ulong)(kFirstBytes + (k0 + TileK) * 2 + chunk * 16);
                ra0 = LoadOrZero(a0, off); ra1 = LoadOrZero(a1, off); ra2 = LoadOrZero(a2, off); ra3 = LoadOrZero(a3, off);
                rb0 = Ptx.Load16(b0 + off); rb1 = Ptx.Load16(b1 + off); rb2 = Ptx.Load16(b2 + off); rb3 = Ptx.Load16(b3 + off);
            }
            if (warpActive)
            {
                for (int kk = 0; kk < TileK / 2; kk += 8)
                {
                    int ai = aFrag + kk;
                    uint x0 = aS[ai], x1 = aS[ai + 8 * Stride], x2 = aS[ai + 4], x3 = aS[ai + 8 * Stride + 4];
                    int bi = bFrag + kk;
                    Ptx.MmaBf16(ref c0, x0, x1, x2, x3, bS[bi], bS[bi + 4]);
                    Ptx.MmaBf16(ref c1, x0, x1, x2, x3, bS[bi + 8 * Stride], bS[bi + 8 * Stride + 4]);
                    Ptx.MmaBf16(ref c2, x0, x1, x2, x3, bS[bi + 16 * Stride], bS[bi + 16 * Stride + 4]);
                    Ptx.MmaBf16(ref c3, x0, x1, x2, x3, bS[bi + 24 * Stride], bS[bi + 24 * Stride + 4]);
                    Ptx.MmaBf16(ref c4, x0, x1, x2, x3, bS[bi + 32 * Stride], bS[bi + 32 * Stride + 4]);
                    Ptx.MmaBf16(ref c5, x0, x1, x2, x3, bS[bi + 40 * Stride], bS[bi + 40 * Stride + 4]);
                    Ptx.MmaBf16(ref c6, x0, x1, x2, x3, bS[bi + 48 * Stride], bS[bi + 48 * Stride + 4]);
                    Ptx.MmaBf16(ref c7, x0, x1, x2, x3, bS[bi + 56 * Stride], bS[bi + 56 * Stride + 4]);
                }
            }
        }
        if (!warpActive) return;

        int r = warp * 16 + g, col = 2 * tig;
        if (args.Mode == 1)
        {
            // Sub-tiles 0-3 are gate columns, 4-7 the up columns with the same FFN index.
            int n0 = colBlock * (TileCols / 2);
            GateUpOut(args, outPairs, start, rows, r, n0 + col, ref c0, ref c4);
            GateUpOut(args, outPairs, start, rows, r, n0 + 8 + col, ref c1, ref c5);
            GateUpOut(args, outPairs, start, rows, r, n0 + 16 + col, ref c2, ref c6);
            GateUpOut(args, outPairs, start, rows, r, n0 + 24 + col, ref c3, ref c7);
        }
        else
        {
            int n0 = colBlock * TileCols + col;
            start += args.Mode == 0 ? split * args.Tokens : 0;   // router plane of this K split
            PlainOut(args, sortedSlot, slotWeight, outF32, outPairs, start, rows, r, n0, ref c0);
            PlainOut(args, sortedSlot, slotWeight, outF32, outPairs, start, rows, r, n0 + 8, ref c1);
            PlainOut(args, sortedSlot, slotWeight, outF32, outPairs, start, rows, r, n0 + 16, ref c2);
            PlainOut(args, sortedSlot, slotWeight, outF32, outPairs, start, rows, r, n0 + 24, ref c3);
            PlainOut(args, sortedSlot, slotWeight, outF32, outPairs, start, rows, r, n0 + 32, ref c4);
            PlainOut(args, sortedSlot, slotWeight, outF32, outPairs, start, rows, r, n0 + 40, ref c5);
            PlainOut(args, sortedSlot, slotWeight, outF32, outPairs, start, rows, r, n0 + 48, ref c6);
            PlainOut(args, sortedSlot, slotWeight, outF32, outPairs, start, rows, r, n0 + 56, ref c7);
        }
    }

    private static int IntrinsicMin(int a, int b) => a < b ? a : b;

    // Address of A's row for tile row `row`, or 0 when the row is past the tile's end.
    internal static ulong ARow(GemmArgs args, ArrayView<int> sortedSlot, int start, int rows, int row, long kBytes)
    {
        if (row >= rows) return 0;
        int p = start + row;
        long source = args.Mode switch
        {
            0 => p,                                // router: token p
            1 => sortedSlot[p] / args.TopK,        // gate/up: the token behind sorted slot p
            _ => p,                                // down: row p of the SiLU·mul output, already sorted
        };
        return args.ABase + (ulong)(source * kBytes);
    }

    // Weight row for block-local row `row`: gate/up blocks take 32 gate rows then the matching 32 up rows.
    internal static long BRow(GemmArgs args, int colBlock, int row)
    {
        if (args.Mode != 1) return (long)colBlock * TileCols + row;
        int half = TileCols / 2;
        int n = colBlock * half + (row & (half - 1));
        return row < half ? n : args.NOut + n;
    }

    private static U4 LoadOrZero(ulong rowAddress, ulong offset) =>
        rowAddress == 0 ? default : Ptx.Load16(rowAddress + offset);

    private static void Store(ArrayView<uint> s, int index, U4 v)
    {
        s[index] = v.X; s[index + 1] = v.Y; s[index + 2] = v.Z; s[index + 3] = v.W;
    }

    internal static float Silu(float x) => x / (1f + Ptx.Exp(-x));

    internal static void GateUpOut(GemmArgs args, ArrayView<uint> g, int start, int rows, int r, int n, ref Acc4 gate, ref Acc4 up)
    {
        int half = args.NOut / 2;
        if (r < rows)
            g[(long)(start + r) * half + n / 2] = Ptx.Pack(Silu(gate.C0) * up.C0, Silu(gate.C1) * up.C1);
        if (r + 8 < rows)
            g[(long)(start + r + 8) * half + n / 2] = Ptx.Pack(Silu(gate.C2) * up.C2, Silu(gate.C3) * up.C3);
    }

    internal static void PlainOut(GemmArgs args, ArrayView<int> sortedSlot, ArrayView<float> weight, ArrayView<float> o, ArrayView<uint> pairs,
        int start, int rows, int r, int n, ref Acc4 c)
    {
        if (r < rows) WriteRow(args, sortedSlot, weight, o, pairs, start + r, n, c.C0, c.C1);
        if (r + 8 < rows) WriteRow(args, sortedSlot, weight, o, pairs, start + r + 8, n, c.C2, c.C3);
    }

    // Router: f32 logits. Down: the weighted expert output of (token, slot) as a bf16 pair, as vLLM's fused MoE stores its
    // per-slot outputs: f32 per-slot rows would write and read back 537 MB per layer at T = 8192 (11% of v7's time there).
    internal static void WriteRow(GemmArgs args, ArrayView<int> sortedSlot, ArrayView<float> weight, ArrayView<float> o, ArrayView<uint> pairs,
        int p, int n, float v0, float v1)
    {
        if (args.Mode == 2)
        {
            long slot = sortedSlot[p];
            float w = weight[slot];
            pairs[slot * (args.NOut / 2) + n / 2] = Ptx.Pack(v0 * w, v1 * w);
            return;
        }
        long i = (long)p * args.NOut + n;
        if (args.Mode == 4)
        {
            o[i] += v0;
            o[i + 1] += v1;
            return;
        }
        o[i] = v0;
        o[i + 1] = v1;
    }
}

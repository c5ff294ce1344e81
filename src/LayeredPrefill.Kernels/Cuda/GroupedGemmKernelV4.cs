using ILGPU;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>
/// Version 4 of the tensor-core tile GEMM, for the memory-bound small batches: each 128-thread block
/// computes 16 sorted rows (a quarter of a 64-row sort tile) against 128 weight rows, every warp a
/// 16×32 slab, and keeps two 64-wide K slices of weights (32 KB) in flight in registers while it
/// computes, where version 1 kept one 8 KB slice. Only the expert GEMMs use it (the router stays on
/// version 1); the arguments and epilogues are version 1's.
/// </summary>
public static class GroupedGemmKernelV4
{
    /// <summary>Sorted rows per block (a quarter of <see cref="GroupedGemmKernel.TileRows"/>).</summary>
    public const int SubRows = 16;
    /// <summary>Weight rows per block (gate/up: 64 gate rows and the 64 matching up rows).</summary>
    public const int BlockCols = 128;
    /// <summary>Sub-tiles per sort tile.</summary>
    public const int SubsPerTile = GroupedGemmKernel.TileRows / SubRows;
    private const int TileK = GroupedGemmKernel.TileK;
    // Row stride in 32-bit words: 32 words of data plus 4 of padding (conflict-free fragment reads, as in v1).
    private const int Stride = TileK / 2 + 4;

    /// <summary>The kernel; grid = (tiles × <see cref="SubsPerTile"/>, column blocks of <see cref="BlockCols"/>), group = 128.</summary>
    public static void Kernel(
        GemmArgs args,
        ArrayView<int> tileInfo,     // per tile: expert, first sorted position, rows
        ArrayView<int> tileCount,
        ArrayView<int> sortedSlot,   // sorted position -> token*TopK + slot
        ArrayView<float> slotWeight, // token*TopK + slot -> routing weight
        ArrayView<float> outF32,
        ArrayView<uint> outPairs,
        ArrayView<ulong> aWords,     // A as 8-byte words (starts at args.ABase)
        ArrayView<ulong> bWords)     // all experts' B as 8-byte words (starts at args.BBase)
    {
        int tid = Group.IdxX;
        int tile = Grid.IdxX / SubsPerTile, sub = Grid.IdxX % SubsPerTile, colBlock = Grid.IdxY;
        if (tile >= tileCount[0]) return;
        int expert = tileInfo[tile * 3];
        int start = tileInfo[tile * 3 + 1] + sub * SubRows;
        int rows = tileInfo[tile * 3 + 2] - sub * SubRows;
        if (rows <= 0) return;   // this quarter of the tile is empty
        if (rows > SubRows) rows = SubRows;

        var aS = SharedMemory.Allocate<uint>(SubRows * Stride);
        var bS = SharedMemory.Allocate<uint>(BlockCols * Stride);

        // A: one 16-byte chunk per thread (row tid/8, chunk tid%8). B: shared rows tid/8 + 16i, i = 0..7;
        // even i and odd i come from two bases (gate/up: gate and up rows of the same FFN index).
        int chunk = tid & 7, row0 = tid >> 3;
        long kBytes = (long)args.K * 2;
        ulong a = GroupedGemmKernel.ARow(args, sortedSlot, start, rows, row0, kBytes);
        ulong bExpert = args.BBase + (ulong)(expert * args.BExpertStrideBytes);
        ulong pEven, pOdd, step;
        if (args.Mode == 1)
        {
            // Warp w owns shared rows 32w..32w+31: FFN n0+16w..+15 of gate (rows 0-15) then of up (16-31).
            long n = (long)colBlock * (BlockCols / 2) + row0;
            pEven = bExpert + (ulong)(n * kBytes);
            pOdd = bExpert + (ulong)((args.NOut + n) * kBytes);
            step = (ulong)(16 * kBytes);
        }
        else
        {
            long n = (long)colBlock * BlockCols + row0;
            pEven = bExpert + (ulong)(n * kBytes);
            pOdd = pEven + (ulong)(16 * kBytes);
            step = (ulong)(32 * kBytes);
        }
        ulong p1 = pOdd, p2 = pEven + step, p3 = pOdd + step, p4 = pEven + 2 * step, p5 = pOdd + 2 * step, p6 = pEven + 3 * step, p7 = pOdd + 3 * step;

        // Two register stages: P holds even slices, Q odd ones; both are in flight while a slice is computed.
        // Rotated K order (args.RotateK): each block starts at its own slice, so concurrent blocks read different
        // offsets of their weight rows instead of all sweeping the same 128-byte column of 4 KB rows together.
        int slices = args.K / TileK;
        int s0 = args.RotateK != 0 ? (Grid.IdxX * 13 + Grid.IdxY * 7) % slices : 0;
        ulong off = SliceOffset(s0, 0, slices, chunk);
        U4 pa = LoadOrZero(aWords, args.ABase, a, off);
        U4 pb0 = WordLoads.Load16(bWords, args.BBase, pEven + off), pb1 = WordLoads.Load16(bWords, args.BBase, p1 + off), pb2 = WordLoads.Load16(bWords, args.BBase, p2 + off), pb3 = WordLoads.Load16(bWords, args.BBase, p3 + off);
        U4 pb4 = WordLoads.Load16(bWords, args.BBase, p4 + off), pb5 = WordLoads.Load16(bWords, args.BBase, p5 + off), pb6 = WordLoads.Load16(bWords, args.BBase, p6 + off), pb7 = WordLoads.Load16(bWords, args.BBase, p7 + off);
        off = SliceOffset(s0, 1, slices, chunk);
        U4 qa = LoadOrZero(aWords, args.ABase, a, off);
        U4 qb0 = WordLoads.Load16(bWords, args.BBase, pEven + off), qb1 = WordLoads.Load16(bWords, args.BBase, p1 + off), qb2 = WordLoads.Load16(bWords, args.BBase, p2 + off), qb3 = WordLoads.Load16(bWords, args.BBase, p3 + off);
        U4 qb4 = WordLoads.Load16(bWords, args.BBase, p4 + off), qb5 = WordLoads.Load16(bWords, args.BBase, p5 + off), qb6 = WordLoads.Load16(bWords, args.BBase, p6 + off), qb7 = WordLoads.Load16(bWords, args.BBase, p7 + off);

        Acc4 c0 = default, c1 = default, c2 = default, c3 = default;
        int warp = tid >> 5, lane = tid & 31, g = lane >> 2, tig = lane & 3;
        int aFrag = g * Stride + tig;
        int bFrag = (warp * 32 + g) * Stride + tig;
        int sBase = row0 * Stride + chunk * 4;

        for (int k0 = 0; k0 < args.K; k0 += 2 * TileK)
        {
            Group.Barrier();
            StoreAll(aS, bS, sBase, pa, pb0, pb1, pb2, pb3, pb4, pb5, pb6, pb7);
            Group.Barrier();
            if (k0 + 2 * TileK < args.K)
            {
                off = SliceOffset(s0, k0 / TileK + 2, slices, chunk);
                pa = LoadOrZero(aWords, args.ABase, a, off);
                pb0 = WordLoads.Load16(bWords, args.BBase, pEven + off); pb1 = WordLoads.Load16(bWords, args.BBase, p1 + off); pb2 = WordLoads.Load16(bWords, args.BBase, p2 + off); pb3 = WordLoads.Load16(bWords, args.BBase, p3 + off);
                pb4 = WordLoads.Load16(bWords, args.BBase, p4 + off); pb5 = WordLoads.Load16(bWords, args.BBase, p5 + off); pb6 = WordLoads.Load16(bWords, args.BBase, p6 + off); pb7 = WordLoads.Load16(bWords, args.BBase, p7 + off);
            }
            Slice(aS, bS, aFrag, bFrag, ref c0, ref c1, ref c2, ref c3);

            Group.Barrier();
            StoreAll(aS, bS, sBase, qa, qb0, qb1, qb2, qb3, qb4, qb5, qb6, qb7);
            Group.Barrier();
            if (k0 + 3 * TileK < args.K)
            {
                off = SliceOffset(s0, k0 / TileK + 3, slices, chunk);
                qa = LoadOrZero(aWords, args.ABase, a, off);
                qb0 = WordLoads.Load16(bWords, args.BBase, pEven + off); qb1 = WordLoads.Load16(bWords, args.BBase, p1 + off); qb2 = WordLoads.Load16(bWords, args.BBase, p2 + off); qb3 = WordLoads.Load16(bWords, args.BBase, p3 + off);
                qb4 = WordLoads.Load16(bWords, args.BBase, p4 + off); qb5 = WordLoads.Load16(bWords, args.BBase, p5 + off); qb6 = WordLoads.Load16(bWords, args.BBase, p6 + off); qb7 = WordLoads.Load16(bWords, args.BBase, p7 + off);
            }
            Slice(aS, bS, aFrag, bFrag, ref c0, ref c1, ref c2, ref c3);
        }

        int r = g, col = 2 * tig;
        if (args.Mode == 1)
        {
            // c0, c1: gate columns 0-15 of the warp; c2, c3: the up columns with the same FFN index.
            int n0 = colBlock * (BlockCols / 2) + warp * 16;
            GroupedGemmKernel.GateUpOut(args, outPairs, start, rows, r, n0 + col, ref c0, ref c2);
            GroupedGemmKernel.GateUpOut(args, outPairs, start, rows, r, n0 + 8 + col, ref c1, ref c3);
        }
        else
        {
            int n0 = colBlock * BlockCols + warp * 32 + col;
            GroupedGemmKernel.PlainOut(args, sortedSlot, slotWeight, outF32, outPairs, start, rows, r, n0, ref c0);
            GroupedGemmKernel.PlainOut(args, sortedSlot, slotWeight, outF32, outPairs, start, rows, r, n0 + 8, ref c1);
            GroupedGemmKernel.PlainOut(args, sortedSlot, slotWeight, outF32, outPairs, start, rows, r, n0 + 16, ref c2);
            GroupedGemmKernel.PlainOut(args, sortedSlot, slotWeight, outF32, outPairs, start, rows, r, n0 + 24, ref c3);
        }
    }

    // One 64-wide K slice from shared memory: 4 k16 steps × 4 mma per warp.
    private static void Slice(ArrayView<uint> aS, ArrayView<uint> bS, int aFrag, int bFrag,
        ref Acc4 c0, ref Acc4 c1, ref Acc4 c2, ref Acc4 c3)
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
        }
    }

    private static void StoreAll(ArrayView<uint> aS, ArrayView<uint> bS, int sBase, U4 ra,
        U4 b0, U4 b1, U4 b2, U4 b3, U4 b4, U4 b5, U4 b6, U4 b7)
    {
        Store(aS, sBase, ra);
        Store(bS, sBase, b0); Store(bS, sBase + 16 * Stride, b1); Store(bS, sBase + 32 * Stride, b2); Store(bS, sBase + 48 * Stride, b3);
        Store(bS, sBase + 64 * Stride, b4); Store(bS, sBase + 80 * Stride, b5); Store(bS, sBase + 96 * Stride, b6); Store(bS, sBase + 112 * Stride, b7);
    }

    // Byte offset of this thread's chunk in the K slice at position `ordinal` of the block's (rotated) order.
    internal static ulong SliceOffset(int s0, int ordinal, int slices, int chunk)
    {
        int s = s0 + ordinal;
        if (s >= slices) s -= slices;
        return (ulong)(s * TileK * 2 + chunk * 16);
    }

    private static U4 LoadOrZero(ArrayView<ulong> aWords, ulong aBase, ulong rowAddress, ulong offset) =>
        rowAddress == 0 ? default : WordLoads.Load16(aWords, aBase, rowAddress + offset);

    private static void Store(ArrayView<uint> s, int index, U4 v)
    {
        s[index] = v.X; s[index + 1] = v.Y; s[index + 2] = v.Z; s[index + 3] = v.W;
    }
}

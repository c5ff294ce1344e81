using ILGPU;

namespace LayeredPrefill.Execution.Kernels.Cuda;

/// <summary>
/// Version 5 of the tensor-core tile GEMM, for the compute-bound large batches: version 1's 64×64
/// block tile with version 4's two register stages, so two 64-wide K slices of A and B (32 KB) are
/// in flight while one is computed, where version 1 exposed a whole load latency per slice.
/// Expert GEMMs only (the router stays on version 1); arguments and epilogues are version 1's.
/// </summary>
public static class GroupedGemmKernelV5
{
    private const int TileRows = GroupedGemmKernel.TileRows, TileCols = GroupedGemmKernel.TileCols, TileK = GroupedGemmKernel.TileK;
    // Row stride in 32-bit words: 32 words of data plus 4 of padding (conflict-free fragment reads, as in v1).
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
        int tid = Group.IdxX, tile = Grid.IdxX, colBlock = Grid.IdxY;
        if (tile >= tileCount[0]) return;
        int expert = tileInfo[tile * 3];
        int start = tileInfo[tile * 3 + 1];
        int rows = tileInfo[tile * 3 + 2];

        var aS = SharedMemory.Allocate<uint>(TileRows * Stride);
        var bS = SharedMemory.Allocate<uint>(TileCols * Stride);

        int chunk = tid & 7, row0 = tid >> 3;
        long kBytes = (long)args.K * 2;
        ulong a0 = GroupedGemmKernel.ARow(args, sortedSlot, start, rows, row0, kBytes);
        ulong a1 = GroupedGemmKernel.ARow(args, sortedSlot, start, rows, row0 + 16, kBytes);
        ulong a2 = GroupedGemmKernel.ARow(args, sortedSlot, start, rows, row0 + 32, kBytes);
        ulong a3 = GroupedGemmKernel.ARow(args, sortedSlot, start, rows, row0 + 48, kBytes);
        ulong bExpert = args.BBase + (ulong)(expert * args.BExpertStrideBytes);
        ulong b0 = bExpert + (ulong)(GroupedGemmKernel.BRow(args, colBlock, row0) * kBytes);
        ulong b1 = bExpert + (ulong)(GroupedGemmKernel.BRow(args, colBlock, row0 + 16) * kBytes);
        ulong b2 = bExpert + (ulong)(GroupedGemmKernel.BRow(args, colBlock, row0 + 32) * kBytes);
        ulong b3 = bExpert + (ulong)(GroupedGemmKernel.BRow(args, colBlock, row0 + 48) * kBytes);

        // P stage: even slices; Q stage: odd slices.
        ulong off = (ulong)(chunk * 16);
        U4 pa0 = LoadOrZero(a0, off), pa1 = LoadOrZero(a1, off), pa2 = LoadOrZero(a2, off), pa3 = LoadOrZero(a3, off);
        U4 pb0 = Ptx.Load16Split(b0 + off), pb1 = Ptx.Load16Split(b1 + off), pb2 = Ptx.Load16Split(b2 + off), pb3 = Ptx.Load16Split(b3 + off);
        off += TileK * 2;
        U4 qa0 = LoadOrZero(a0, off), qa1 = LoadOrZero(a1, off), qa2 = LoadOrZero(a2, off), qa3 = LoadOrZero(a3, off);
        U4 qb0 = Ptx.Load16Split(b0 + off), qb1 = Ptx.Load16Split(b1 + off), qb2 = Ptx.Load16Split(b2 + off), qb3 = Ptx.Load16Split(b3 + off);

        Acc4 c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        int warp = tid >> 5, lane = tid & 31, g = lane >> 2, tig = lane & 3;
        bool warpActive = warp * 16 < rows;
        int aFrag = (warp * 16 + g) * Stride + tig;
        int bFrag = g * Stride + tig;
        int sBase = row0 * Stride + chunk * 4;

        for (int k0 = 0; k0 < args.K; k0 += 2 * TileK)
        {
            Group.Barrier();
            StoreAll(aS, bS, sBase, pa0, pa1, pa2, pa3, pb0, pb1, pb2, pb3);
            Group.Barrier();
            if (k0 + 2 * TileK < args.K)
            {
                off = (ulong)((k0 + 2 * TileK) * 2 + chunk * 16);
                pa0 = LoadOrZero(a0, off); pa1 = LoadOrZero(a1, off); pa2 = LoadOrZero(a2, off); pa3 = LoadOrZero(a3, off);
                pb0 = Ptx.Load16Split(b0 + off); pb1 = Ptx.Load16Split(b1 + off); pb2 = Ptx.Load16Split(b2 + off); pb3 = Ptx.Load16Split(b3 + off);
            }
            if (warpActive) Slice(aS, bS, aFrag, bFrag, ref c0, ref c1, ref c2, ref c3, ref c4, ref c5, ref c6, ref c7);

            Group.Barrier();
            StoreAll(aS, bS, sBase, qa0, qa1, qa2, qa3, qb0, qb1, qb2, qb3);
            Group.Barrier();
            if (k0 + 3 * TileK < args.K)
            {
                off = (ulong)((k0 + 3 * TileK) * 2 + chunk * 16);
                qa0 = LoadOrZero(a0, off); qa1 = LoadOrZero(a1, off); qa2 = LoadOrZero(a2, off); qa3 = LoadOrZero(a3, off);
                qb0 = Ptx.Load16Split(b0 + off); qb1 = Ptx.Load16Split(b1 + off); qb2 = Ptx.Load16Split(b2 + off); qb3 = Ptx.Load16Split(b3 + off);
            }
            if (warpActive) Slice(aS, bS, aFrag, bFrag, ref c0, ref c1, ref c2, ref c3, ref c4, ref c5, ref c6, ref c7);
        }
        if (!warpActive) return;

        int r = warp * 16 + g, col = 2 * tig;
        if (args.Mode == 1)
        {
            int n0 = colBlock * (TileCols / 2);
            GroupedGemmKernel.GateUpOut(args, outPairs, start, rows, r, n0 + col, ref c0, ref c4);
            GroupedGemmKernel.GateUpOut(args, outPairs, start, rows, r, n0 + 8 + col, ref c1, ref c5);
            GroupedGemmKernel.GateUpOut(args, outPairs, start, rows, r, n0 + 16 + col, ref c2, ref c6);
            GroupedGemmKernel.GateUpOut(args, outPairs, start, rows, r, n0 + 24 + col, ref c3, ref c7);
        }
        else
        {
            int n0 = colBlock * TileCols + col;
            GroupedGemmKernel.PlainOut(args, sortedSlot, slotWeight, outF32, start, rows, r, n0, ref c0);
            GroupedGemmKernel.PlainOut(args, sortedSlot, slotWeight, outF32, start, rows, r, n0 + 8, ref c1);
            GroupedGemmKernel.PlainOut(args, sortedSlot, slotWeight, outF32, start, rows, r, n0 + 16, ref c2);
            GroupedGemmKernel.PlainOut(args, sortedSlot, slotWeight, outF32, start, rows, r, n0 + 24, ref c3);
            GroupedGemmKernel.PlainOut(args, sortedSlot, slotWeight, outF32, start, rows, r, n0 + 32, ref c4);
            GroupedGemmKernel.PlainOut(args, sortedSlot, slotWeight, outF32, start, rows, r, n0 + 40, ref c5);
            GroupedGemmKernel.PlainOut(args, sortedSlot, slotWeight, outF32, start, rows, r, n0 + 48, ref c6);
            GroupedGemmKernel.PlainOut(args, sortedSlot, slotWeight, outF32, start, rows, r, n0 + 56, ref c7);
        }
    }

    // One 64-wide K slice: 4 k16 steps × 8 mma per warp (v1's inner loop).
    private static void Slice(ArrayView<uint> aS, ArrayView<uint> bS, int aFrag, int bFrag,
        ref Acc4 c0, ref Acc4 c1, ref Acc4 c2, ref Acc4 c3, ref Acc4 c4, ref Acc4 c5, ref Acc4 c6, ref Acc4 c7)
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

    private static void StoreAll(ArrayView<uint> aS, ArrayView<uint> bS, int sBase, U4 ra0, U4 ra1, U4 ra2, U4 ra3, U4 rb0, U4 rb1, U4 rb2, U4 rb3)
    {
        Store(aS, sBase, ra0); Store(aS, sBase + 16 * Stride, ra1); Store(aS, sBase + 32 * Stride, ra2); Store(aS, sBase + 48 * Stride, ra3);
        Store(bS, sBase, rb0); Store(bS, sBase + 16 * Stride, rb1); Store(bS, sBase + 32 * Stride, rb2); Store(bS, sBase + 48 * Stride, rb3);
    }

    private static U4 LoadOrZero(ulong rowAddress, ulong offset) =>
        rowAddress == 0 ? default : Ptx.Load16Split(rowAddress + offset);

    private static void Store(ArrayView<uint> s, int index, U4 v)
    {
        s[index] = v.X; s[index + 1] = v.Y; s[index + 2] = v.Z; s[index + 3] = v.W;
    }
}

using ILGPU;

namespace LayeredPrefill.Execution.Kernels.Cuda;

/// <summary>
/// Version 6: version 1 (router included) with its 16-byte loads split into two 8-byte value-form loads, so every
/// load of a slice is in flight at once (v1's EmitRef load waited for each load's data before issuing the next).
/// Version 1's description follows. A tensor-core tile GEMM over tokens sorted by expert: each 128-thread block computes a 64-row
/// tile of one expert against 64 weight rows with mma.sync m16n8k16 (bf16 in, f32 accumulate).
/// Tiles stage through shared memory with 16-byte global loads; the next K slice is loaded into
/// registers while the current one feeds the tensor cores.
/// </summary>
public static class GroupedGemmKernelV6
{
    private const int TileRows = GroupedGemmKernel.TileRows, TileCols = GroupedGemmKernel.TileCols, TileK = GroupedGemmKernel.TileK;
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
        ArrayView<uint> outPairs,
        ArrayView<ulong> aWords,     // A as 8-byte words (starts at args.ABase)
        ArrayView<ulong> bWords)     // all experts' B as 8-byte words (starts at args.BBase)
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
        ulong a0 = GroupedGemmKernel.ARow(args, sortedSlot, start, rows, row0, kBytes);
        ulong a1 = GroupedGemmKernel.ARow(args, sortedSlot, start, rows, row0 + 16, kBytes);
        ulong a2 = GroupedGemmKernel.ARow(args, sortedSlot, start, rows, row0 + 32, kBytes);
        ulong a3 = GroupedGemmKernel.ARow(args, sortedSlot, start, rows, row0 + 48, kBytes);
        ulong bExpert = args.BBase + (ulong)(expert * args.BExpertStrideBytes);
        ulong b0 = bExpert + (ulong)(GroupedGemmKernel.BRow(args, colBlock, row0) * kBytes);
        ulong b1 = bExpert + (ulong)(GroupedGemmKernel.BRow(args, colBlock, row0 + 16) * kBytes);
        ulong b2 = bExpert + (ulong)(GroupedGemmKernel.BRow(args, colBlock, row0 + 32) * kBytes);
        ulong b3 = bExpert + (ulong)(GroupedGemmKernel.BRow(args, colBlock, row0 + 48) * kBytes);

        // Rotated K order (args.RotateK), as in v4.
        int slices = kSpan / TileK;
        int s0 = args.RotateK != 0 ? (Grid.IdxX * 13 + Grid.IdxY * 7) % slices : 0;
        ulong off = (ulong)kFirstBytes + GroupedGemmKernelV4.SliceOffset(s0, 0, slices, chunk);
        U4 ra0 = LoadOrZero(aWords, args.ABase, a0, off), ra1 = LoadOrZero(aWords, args.ABase, a1, off), ra2 = LoadOrZero(aWords, args.ABase, a2, off), ra3 = LoadOrZero(aWords, args.ABase, a3, off);
        U4 rb0 = WordLoads.Load16(bWords, args.BBase, b0 + off), rb1 = WordLoads.Load16(bWords, args.BBase, b1 + off), rb2 = WordLoads.Load16(bWords, args.BBase, b2 + off), rb3 = WordLoads.Load16(bWords, args.BBase, b3 + off);

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
                off = (ulong)kFirstBytes + GroupedGemmKernelV4.SliceOffset(s0, k0 / TileK + 1, slices, chunk);
                ra0 = LoadOrZero(aWords, args.ABase, a0, off); ra1 = LoadOrZero(aWords, args.ABase, a1, off); ra2 = LoadOrZero(aWords, args.ABase, a2, off); ra3 = LoadOrZero(aWords, args.ABase, a3, off);
                rb0 = WordLoads.Load16(bWords, args.BBase, b0 + off); rb1 = WordLoads.Load16(bWords, args.BBase, b1 + off); rb2 = WordLoads.Load16(bWords, args.BBase, b2 + off); rb3 = WordLoads.Load16(bWords, args.BBase, b3 + off);
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
            GroupedGemmKernel.GateUpOut(args, outPairs, start, rows, r, n0 + col, ref c0, ref c4);
            GroupedGemmKernel.GateUpOut(args, outPairs, start, rows, r, n0 + 8 + col, ref c1, ref c5);
            GroupedGemmKernel.GateUpOut(args, outPairs, start, rows, r, n0 + 16 + col, ref c2, ref c6);
            GroupedGemmKernel.GateUpOut(args, outPairs, start, rows, r, n0 + 24 + col, ref c3, ref c7);
        }
        else
        {
            int n0 = colBlock * TileCols + col;
            start += args.Mode == 0 ? split * args.Tokens : 0;   // router plane of this K split
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

    private static int IntrinsicMin(int a, int b) => a < b ? a : b;

    private static U4 LoadOrZero(ArrayView<ulong> aWords, ulong aBase, ulong rowAddress, ulong offset) =>
        rowAddress == 0 ? default : WordLoads.Load16(aWords, aBase, rowAddress + offset);

    private static void Store(ArrayView<uint> s, int index, U4 v)
    {
        s[index] = v.X; s[index + 1] = v.Y; s[index + 2] = v.Z; s[index + 3] = v.W;
    }
}

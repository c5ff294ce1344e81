using ILGPU;

namespace LayeredPrefill.Execution.Kernels.Cuda;

/// <summary>
/// Version 2 of the tensor-core tile GEMM (same tiles, arguments and epilogues as
/// <see cref="GroupedGemmKernel"/>): a 3-stage cp.async pipeline of 64-wide K slices into
/// XOR-swizzled shared memory (no padding, 48 KB), 32-bit fragment loads from the swizzled tiles, and a split-K router.
/// </summary>
public static class GroupedGemmKernelV2
{
    /// <summary>Pipeline depth.</summary>
    public const int Stages = 3;
    private const int OperandBytes = GroupedGemmKernel.TileRows * GroupedGemmKernel.TileK * 2;  // 8 KB
    private const int StageBytes = 2 * OperandBytes;

    /// <summary>The kernel; grid = (tiles, column blocks × K splits), group = 128.</summary>
    public static void Kernel(
        GemmArgs args,
        ArrayView<int> tileInfo,
        ArrayView<int> tileCount,
        ArrayView<int> sortedSlot,
        ArrayView<float> slotWeight,
        ArrayView<float> outF32,
        ArrayView<uint> outPairs)
    {
        int tile = Grid.IdxX, tid = Group.IdxX;
        int colBlocks = args.Mode == 0 ? args.NOut / GroupedGemmKernel.TileCols : Grid.DimY;
        int colBlock = Grid.IdxY % colBlocks, split = Grid.IdxY / colBlocks;
        int expert, start, rows;
        if (args.Mode == 0)
        {
            expert = 0;
            start = tile * GroupedGemmKernel.TileRows;
            rows = GroupedGemmKernel.TileRows < args.Tokens - start ? GroupedGemmKernel.TileRows : args.Tokens - start;
        }
        else
        {
            if (tile >= tileCount[0]) return;
            expert = tileInfo[tile * 3];
            start = tileInfo[tile * 3 + 1];
            rows = tileInfo[tile * 3 + 2];
        }

        // Exactly 48 KB, the static limit, in one allocation so that it is __shared_alloca0. As the
        // kernel's only shared variable it starts the block's shared window, which is 16-byte aligned.
        var smem = SharedMemory.Allocate<uint>(Stages * StageBytes / 4);
        if (tid == 1 << 20) smem[0] = 0;   // never true; keeps the allocation alive for the inline PTX
        uint sBase = Ptx.FirstSharedAddress();

        int chunk = tid & 7, row0 = tid >> 3;
        long kBytes = (long)args.K * 2;
        int kSpan = args.Mode == 0 ? args.K / args.KSplits : args.K;
        long kFirstBytes = (long)split * kSpan * 2;
        ulong a0 = GroupedGemmKernel.ARow(args, sortedSlot, start, rows, row0, kBytes);
        ulong a1 = GroupedGemmKernel.ARow(args, sortedSlot, start, rows, row0 + 16, kBytes);
        ulong a2 = GroupedGemmKernel.ARow(args, sortedSlot, start, rows, row0 + 32, kBytes);
        ulong a3 = GroupedGemmKernel.ARow(args, sortedSlot, start, rows, row0 + 48, kBytes);
        ulong bExpert = args.BBase + (ulong)(expert * args.BExpertStrideBytes);
        ulong b0 = bExpert + (ulong)(GroupedGemmKernel.BRow(args, colBlock, row0) * kBytes);
        ulong b1 = bExpert + (ulong)(GroupedGemmKernel.BRow(args, colBlock, row0 + 16) * kBytes);
        ulong b2 = bExpert + (ulong)(GroupedGemmKernel.BRow(args, colBlock, row0 + 32) * kBytes);
        ulong b3 = bExpert + (ulong)(GroupedGemmKernel.BRow(args, colBlock, row0 + 48) * kBytes);
        // Destination of this thread's chunks: row r, chunk c lands at r*128 + ((c ^ (r & 7)) * 16).
        uint dst0 = (uint)(row0 * 128 + ((chunk ^ (row0 & 7)) << 4));   // rows row0 + 16i share (row & 7)

        int kTiles = kSpan / GroupedGemmKernel.TileK;
        for (int s = 0; s < Stages - 1; s++)
        {
            if (s < kTiles) Issue(args, sBase + (uint)(s * StageBytes), dst0, a0, a1, a2, a3, b0, b1, b2, b3, (ulong)(kFirstBytes + s * 128 + chunk * 16));
            Ptx.CommitAsync();
        }

        Acc4 c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        int warp = tid >> 5, lane = tid & 31, g = lane >> 2, tig = lane & 3;
        bool warpActive = warp * 16 < rows;
        // Fragments come from plain 32-bit shared loads (ldmatrix would need 4-output inline PTX, whose
        // local-memory temporaries ptxas did not remove in run 2). Word of (row, k-word w) in the swizzled
        // stage: row*32 + ((w/4) ^ (row & 7))*4 + w%4; with w = 8s + tig (+4), the chunk is 2s (+1).
        int aRow = warp * 16 + g;
        for (int kt = 0; kt < kTiles; kt++)
        {
            Ptx.WaitAsyncAllButOne();
            Group.Barrier();
            int next = kt + Stages - 1;
            if (next < kTiles)
                Issue(args, sBase + (uint)(next % Stages * StageBytes), dst0, a0, a1, a2, a3, b0, b1, b2, b3, (ulong)(kFirstBytes + next * 128 + chunk * 16));
            Ptx.CommitAsync();
            if (warpActive)
            {
                int stA = kt % Stages * (StageBytes / 4), stB = stA + OperandBytes / 4;
                for (int s = 0; s < 4; s++)
                {
                    int lo = 2 * s, hi = 2 * s + 1;
                    uint x0 = smem[stA + W(aRow, lo, tig)], x1 = smem[stA + W(aRow + 8, lo, tig)];
                    uint x2 = smem[stA + W(aRow, hi, tig)], x3 = smem[stA + W(aRow + 8, hi, tig)];
                    Ptx.MmaBf16(ref c0, x0, x1, x2, x3, smem[stB + W(g, lo, tig)], smem[stB + W(g, hi, tig)]);
                    Ptx.MmaBf16(ref c1, x0, x1, x2, x3, smem[stB + W(g + 8, lo, tig)], smem[stB + W(g + 8, hi, tig)]);
                    Ptx.MmaBf16(ref c2, x0, x1, x2, x3, smem[stB + W(g + 16, lo, tig)], smem[stB + W(g + 16, hi, tig)]);
                    Ptx.MmaBf16(ref c3, x0, x1, x2, x3, smem[stB + W(g + 24, lo, tig)], smem[stB + W(g + 24, hi, tig)]);
                    Ptx.MmaBf16(ref c4, x0, x1, x2, x3, smem[stB + W(g + 32, lo, tig)], smem[stB + W(g + 32, hi, tig)]);
                    Ptx.MmaBf16(ref c5, x0, x1, x2, x3, smem[stB + W(g + 40, lo, tig)], smem[stB + W(g + 40, hi, tig)]);
                    Ptx.MmaBf16(ref c6, x0, x1, x2, x3, smem[stB + W(g + 48, lo, tig)], smem[stB + W(g + 48, hi, tig)]);
                    Ptx.MmaBf16(ref c7, x0, x1, x2, x3, smem[stB + W(g + 56, lo, tig)], smem[stB + W(g + 56, hi, tig)]);
                }
            }
        }
        if (!warpActive) return;

        int r = warp * 16 + g, col = 2 * tig;
        if (args.Mode == 1)
        {
            int n0 = colBlock * (GroupedGemmKernel.TileCols / 2);
            GroupedGemmKernel.GateUpOut(args, outPairs, start, rows, r, n0 + col, ref c0, ref c4);
            GroupedGemmKernel.GateUpOut(args, outPairs, start, rows, r, n0 + 8 + col, ref c1, ref c5);
            GroupedGemmKernel.GateUpOut(args, outPairs, start, rows, r, n0 + 16 + col, ref c2, ref c6);
            GroupedGemmKernel.GateUpOut(args, outPairs, start, rows, r, n0 + 24 + col, ref c3, ref c7);
        }
        else
        {
            // Router partial sums of split s go to plane s (rows s*Tokens ..); TopK adds the planes in order.
            int rowShift = args.Mode == 0 ? split * args.Tokens : 0;
            int n0 = colBlock * GroupedGemmKernel.TileCols + col;
            int st = start + rowShift;
            GroupedGemmKernel.PlainOut(args, sortedSlot, slotWeight, outF32, st, rows, r, n0, ref c0);
            GroupedGemmKernel.PlainOut(args, sortedSlot, slotWeight, outF32, st, rows, r, n0 + 8, ref c1);
            GroupedGemmKernel.PlainOut(args, sortedSlot, slotWeight, outF32, st, rows, r, n0 + 16, ref c2);
            GroupedGemmKernel.PlainOut(args, sortedSlot, slotWeight, outF32, st, rows, r, n0 + 24, ref c3);
            GroupedGemmKernel.PlainOut(args, sortedSlot, slotWeight, outF32, st, rows, r, n0 + 32, ref c4);
            GroupedGemmKernel.PlainOut(args, sortedSlot, slotWeight, outF32, st, rows, r, n0 + 40, ref c5);
            GroupedGemmKernel.PlainOut(args, sortedSlot, slotWeight, outF32, st, rows, r, n0 + 48, ref c6);
            GroupedGemmKernel.PlainOut(args, sortedSlot, slotWeight, outF32, st, rows, r, n0 + 56, ref c7);
        }
    }

    // Word index of word `word` (0..3) of 16-byte chunk `chunk` of row `row` in a swizzled operand.
    private static int W(int row, int chunk, int word) => row * 32 + ((chunk ^ (row & 7)) << 2) + word;

    // Four A and four B chunks of one stage; A rows past the tile (address 0) are zero-filled without a read.
    private static void Issue(GemmArgs args, uint stage, uint dst0, ulong a0, ulong a1, ulong a2, ulong a3,
        ulong b0, ulong b1, ulong b2, ulong b3, ulong offset)
    {
        const uint rowStep = 16 * 128;
        CopyA(stage + dst0, a0, offset, args.ABase);
        CopyA(stage + dst0 + rowStep, a1, offset, args.ABase);
        CopyA(stage + dst0 + 2 * rowStep, a2, offset, args.ABase);
        CopyA(stage + dst0 + 3 * rowStep, a3, offset, args.ABase);
        uint bs = stage + OperandBytes + dst0;
        Ptx.CopyAsync16(bs, b0 + offset, 16);
        Ptx.CopyAsync16(bs + rowStep, b1 + offset, 16);
        Ptx.CopyAsync16(bs + 2 * rowStep, b2 + offset, 16);
        Ptx.CopyAsync16(bs + 3 * rowStep, b3 + offset, 16);
    }

    private static void CopyA(uint dst, ulong row, ulong offset, ulong anyValid) =>
        Ptx.CopyAsync16(dst, row == 0 ? anyValid : row + offset, row == 0 ? 0u : 16u);
}

using ILGPU;

namespace LayeredPrefill.Execution.Kernels.Cuda;

/// <summary>
/// Version 7 of the tensor-core tile GEMM, for the compute-bound large batches: each 256-thread block computes
/// one 128-row sort tile (the layer sorts into 128-row tiles for v7 batches) against 128 weight rows, every warp a 32×64 slab (16 mma per k16 step from 8 A and 16 B
/// fragment words, where v1 needed 20 words for 8 mma), over 32-wide K slices in two XOR-swizzled shared-memory
/// buffers: the next slice is loaded into registers while the current one is computed, then stored into the other
/// buffer, so there is one barrier per slice (v1: two per slice, and the store waited behind the compute).
/// cp.async would need no staging registers, but any cp.async in a kernel stops ptxas from keeping mma.sync's
/// inline-assembly operand slots in registers (checked with ptxas 11.8: 0 → 1416-byte stack), so loads go through views.
/// Pass 2 showed v1's limit at T ≥ 2048 is inside the SM (80–91 TF/s whatever the DRAM traffic). Pass 3 run 1 had
/// 64-row blocks (146 TF/s at T = 8192 on an H100, ~3.4 TB/s of L2 reads); 128 rows cut the L2 bytes per mma by a third.
/// Arguments and epilogues are v1's.
/// </summary>
public static class GroupedGemmKernelV7
{
    /// <summary>Weight rows per block (gate/up: 64 gate rows and the 64 matching up rows).</summary>
    public const int BlockCols = 128;
    /// <summary>K per pipeline stage.</summary>
    public const int StageK = 32;
    /// <summary>Shared-memory buffers (one computed, one being filled).</summary>
    public const int Stages = 2;
    /// <summary>Sorted rows per block = rows per sort tile for v7 batches.</summary>
    public const int Rows = 128;
    /// <summary>Threads per block: 8 warps, 4 along the rows × 2 along the weight rows.</summary>
    public const int Threads = 256;
    private const int RowBytes = StageK * 2;                    // 64 bytes = 4 chunks of 16
    private const int ABytes = Rows * RowBytes;                 // 8 KB
    private const int StageBytes = ABytes + BlockCols * RowBytes; // 16 KB
    private const int RowWords = RowBytes / 4;

    /// <summary>The kernel; grid = (tiles, column blocks of <see cref="BlockCols"/>), group = <see cref="Threads"/>.</summary>
    public static void Kernel(
        GemmArgs args,
        ArrayView<int> tileInfo,     // per tile: expert, first sorted position, rows
        ArrayView<int> tileCount,
        ArrayView<int> sortedSlot,   // sorted position -> token*TopK + slot
        ArrayView<float> slotWeight, // token*TopK + slot -> routing weight
        ArrayView<float> outF32,
        ArrayView<uint> outPairs,
        ArrayView<U4> aChunks,       // A as 16-byte chunks (starts at args.ABase)
        ArrayView<U4> bChunks)       // all experts' B as 16-byte chunks (starts at args.BBase)
    {
        int tid = Group.IdxX;
        int tile = Grid.IdxX, colBlock = Grid.IdxY;
        if (tile >= tileCount[0]) return;
        int expert = tileInfo[tile * 3];
        int start = tileInfo[tile * 3 + 1];
        int rows = tileInfo[tile * 3 + 2];

        var smem = SharedMemory.Allocate<uint>(Stages * StageBytes / 4);
        var smem4 = smem.Cast<U4>();

        // Copies: thread t moves chunk t%4 of A rows t/4 and t/4+64, and of B rows t/4 and t/4+64.
        int chunk = tid & 3, row0 = tid >> 2;
        // Chunk indices (16 bytes each) into the A and B views, 32-bit to save registers (B of 128 experts is 75 M chunks);
        // -1 marks an A row past the tile.
        int kChunks = args.K / 8;
        int a0 = ARowChunk(args, sortedSlot, start, rows, row0, kChunks), a1 = ARowChunk(args, sortedSlot, start, rows, row0 + 64, kChunks);
        int bExpert = (int)(expert * (args.BExpertStrideBytes >> 4));
        int b0 = bExpert + (int)BRow(args, colBlock, row0) * kChunks + chunk, b1 = bExpert + (int)BRow(args, colBlock, row0 + 64) * kChunks + chunk;
        if (a0 >= 0) a0 += chunk;
        if (a1 >= 0) a1 += chunk;
        // Rows r and r + 64 share (r >> 1) & 3, so one swizzled chunk index serves all of this thread's rows.
        int dst = row0 * (RowBytes / 16) + Swizzle(row0, chunk);

        // Two register sets, P for even slices and Q for odd ones: a slice's loads are issued two slices before it
        // is computed (one slice of compute, ~0.25 µs with 8 warps per SM, did not cover an L2 round trip).
        int slices = args.K / StageK;   // even: K is a multiple of 128
        U4 pa0 = LoadA(aChunks, a0, 0), pa1 = LoadA(aChunks, a1, 0), pb0 = bChunks[b0], pb1 = bChunks[b1];
        const int sc = RowBytes / 16;   // chunks per row and slice
        U4 qa0 = LoadA(aChunks, a0, sc), qa1 = LoadA(aChunks, a1, sc), qb0 = bChunks[b0 + sc], qb1 = bChunks[b1 + sc];
        Put(smem4, dst, pa0, pa1, pb0, pb1);
        Group.Barrier();

        Acc4 c00 = default, c01 = default, c02 = default, c03 = default, c04 = default, c05 = default, c06 = default, c07 = default;
        Acc4 c10 = default, c11 = default, c12 = default, c13 = default, c14 = default, c15 = default, c16 = default, c17 = default;
        int warp = tid >> 5, lane = tid & 31, g = lane >> 2, tig = lane & 3;
        int wm = warp & 3, wn = warp >> 2;        // warp rows 32·wm.., weight rows 64·wn..
        bool warpActive = wm * 32 < rows;
        int aRow = wm * 32 + g, bRow = wn * 64 + g;
        // Word offset of (chunk c, word tig) in any fragment row of this thread: every row it reads is aRow or bRow
        // plus a multiple of 8, so all share the swizzle (row >> 1) & 3 = (g >> 1) & 3 and reads are base + constant.
        int o0 = (Swizzle(g, 0) << 2) + tig, o1 = (Swizzle(g, 1) << 2) + tig, o2 = (Swizzle(g, 2) << 2) + tig, o3 = (Swizzle(g, 3) << 2) + tig;

        const int second = StageBytes / 16;   // chunk index of buffer 1
        for (int kt = 0; kt < slices; kt += 2)
        {
            // Slice kt (buffer 0) is computed while P fetches slice kt+2; Q (slice kt+1) goes to buffer 1, last read
            // in the previous iteration before the barrier that ended it.
            if (kt + 2 < slices)
            {
                int off = (kt + 2) * sc;
                pa0 = LoadA(aChunks, a0, off); pa1 = LoadA(aChunks, a1, off); pb0 = bChunks[b0 + off]; pb1 = bChunks[b1 + off];
            }
            if (warpActive)
                Slice(smem, aRow * RowWords, (ABytes / 4) + bRow * RowWords, o0, o1, o2, o3,
                    ref c00, ref c01, ref c02, ref c03, ref c04, ref c05, ref c06, ref c07,
                    ref c10, ref c11, ref c12, ref c13, ref c14, ref c15, ref c16, ref c17);
            Put(smem4, second + dst, qa0, qa1, qb0, qb1);
            Group.Barrier();

            // Slice kt+1 (buffer 1) while Q fetches slice kt+3; P (slice kt+2) goes to buffer 0.
            if (kt + 3 < slices)
            {
                int off = (kt + 3) * sc;
                qa0 = LoadA(aChunks, a0, off); qa1 = LoadA(aChunks, a1, off); qb0 = bChunks[b0 + off]; qb1 = bChunks[b1 + off];
            }
            if (warpActive)
                Slice(smem, StageBytes / 4 + aRow * RowWords, StageBytes / 4 + (ABytes / 4) + bRow * RowWords, o0, o1, o2, o3,
                    ref c00, ref c01, ref c02, ref c03, ref c04, ref c05, ref c06, ref c07,
                    ref c10, ref c11, ref c12, ref c13, ref c14, ref c15, ref c16, ref c17);
            if (kt + 2 < slices) Put(smem4, dst, pa0, pa1, pb0, pb1);
            Group.Barrier();
        }
        if (!warpActive) return;

        int col = 2 * tig;
        if (args.Mode == 1)
        {
            // n-tiles 0-3 are gate columns, 4-7 the up columns with the same FFN index.
            int n0 = colBlock * (BlockCols / 2) + wn * 32 + col;
            GateUp4(args, outPairs, start, rows, aRow, n0, ref c00, ref c01, ref c02, ref c03, ref c04, ref c05, ref c06, ref c07);
            GateUp4(args, outPairs, start, rows, aRow + 16, n0, ref c10, ref c11, ref c12, ref c13, ref c14, ref c15, ref c16, ref c17);
        }
        else
        {
            int n0 = colBlock * BlockCols + wn * 64 + col;
            Plain8(args, sortedSlot, slotWeight, outF32, start, rows, aRow, n0, ref c00, ref c01, ref c02, ref c03, ref c04, ref c05, ref c06, ref c07);
            Plain8(args, sortedSlot, slotWeight, outF32, start, rows, aRow + 16, n0, ref c10, ref c11, ref c12, ref c13, ref c14, ref c15, ref c16, ref c17);
        }
    }


    // One 32-wide K slice: two k16 steps (logical chunks 0-1, then 2-3).
    private static void Slice(ArrayView<uint> smem, int aw, int bw, int o0, int o1, int o2, int o3,
        ref Acc4 c00, ref Acc4 c01, ref Acc4 c02, ref Acc4 c03, ref Acc4 c04, ref Acc4 c05, ref Acc4 c06, ref Acc4 c07,
        ref Acc4 c10, ref Acc4 c11, ref Acc4 c12, ref Acc4 c13, ref Acc4 c14, ref Acc4 c15, ref Acc4 c16, ref Acc4 c17)
    {
        Step(smem, aw, bw, o0, o1, ref c00, ref c01, ref c02, ref c03, ref c04, ref c05, ref c06, ref c07,
            ref c10, ref c11, ref c12, ref c13, ref c14, ref c15, ref c16, ref c17);
        Step(smem, aw, bw, o2, o3, ref c00, ref c01, ref c02, ref c03, ref c04, ref c05, ref c06, ref c07,
            ref c10, ref c11, ref c12, ref c13, ref c14, ref c15, ref c16, ref c17);
    }

    // One k16 step (logical chunks at word offsets oLo, oHi of each row): the warp's 2 m-tiles × 8 n-tiles.
    // aw, bw = first word of the thread's first A and B fragment rows in the stage; row + 8 is 8·RowWords further.
    private static void Step(ArrayView<uint> smem, int aw, int bw, int oLo, int oHi,
        ref Acc4 c00, ref Acc4 c01, ref Acc4 c02, ref Acc4 c03, ref Acc4 c04, ref Acc4 c05, ref Acc4 c06, ref Acc4 c07,
        ref Acc4 c10, ref Acc4 c11, ref Acc4 c12, ref Acc4 c13, ref Acc4 c14, ref Acc4 c15, ref Acc4 c16, ref Acc4 c17)
    {
        const int r8 = 8 * RowWords;
        int bl = bw + oLo, bh = bw + oHi, al = aw + oLo, ah = aw + oHi;
        // B fragments of the warp's 8 n-tiles (two words each), shared by both m-tiles.
        uint p0 = smem[bl], q0 = smem[bh];
        uint p1 = smem[bl + r8], q1 = smem[bh + r8];
        uint p2 = smem[bl + 2 * r8], q2 = smem[bh + 2 * r8];
        uint p3 = smem[bl + 3 * r8], q3 = smem[bh + 3 * r8];
        uint p4 = smem[bl + 4 * r8], q4 = smem[bh + 4 * r8];
        uint p5 = smem[bl + 5 * r8], q5 = smem[bh + 5 * r8];
        uint p6 = smem[bl + 6 * r8], q6 = smem[bh + 6 * r8];
        uint p7 = smem[bl + 7 * r8], q7 = smem[bh + 7 * r8];
        uint x0 = smem[al], x1 = smem[al + r8], x2 = smem[ah], x3 = smem[ah + r8];
        Row8(ref c00, ref c01, ref c02, ref c03, ref c04, ref c05, ref c06, ref c07, x0, x1, x2, x3,
            p0, q0, p1, q1, p2, q2, p3, q3, p4, q4, p5, q5, p6, q6, p7, q7);
        x0 = smem[al + 2 * r8]; x1 = smem[al + 3 * r8]; x2 = smem[ah + 2 * r8]; x3 = smem[ah + 3 * r8];
        Row8(ref c10, ref c11, ref c12, ref c13, ref c14, ref c15, ref c16, ref c17, x0, x1, x2, x3,
            p0, q0, p1, q1, p2, q2, p3, q3, p4, q4, p5, q5, p6, q6, p7, q7);
    }

    // One m16 row of the warp against its 8 n-tiles for one k16 step.
    private static void Row8(ref Acc4 c0, ref Acc4 c1, ref Acc4 c2, ref Acc4 c3, ref Acc4 c4, ref Acc4 c5, ref Acc4 c6, ref Acc4 c7,
        uint x0, uint x1, uint x2, uint x3,
        uint p0, uint q0, uint p1, uint q1, uint p2, uint q2, uint p3, uint q3,
        uint p4, uint q4, uint p5, uint q5, uint p6, uint q6, uint p7, uint q7)
    {
        Ptx.MmaBf16(ref c0, x0, x1, x2, x3, p0, q0);
        Ptx.MmaBf16(ref c1, x0, x1, x2, x3, p1, q1);
        Ptx.MmaBf16(ref c2, x0, x1, x2, x3, p2, q2);
        Ptx.MmaBf16(ref c3, x0, x1, x2, x3, p3, q3);
        Ptx.MmaBf16(ref c4, x0, x1, x2, x3, p4, q4);
        Ptx.MmaBf16(ref c5, x0, x1, x2, x3, p5, q5);
        Ptx.MmaBf16(ref c6, x0, x1, x2, x3, p6, q6);
        Ptx.MmaBf16(ref c7, x0, x1, x2, x3, p7, q7);
    }

    private static void GateUp4(GemmArgs args, ArrayView<uint> o, int start, int rows, int r, int n0,
        ref Acc4 g0, ref Acc4 g1, ref Acc4 g2, ref Acc4 g3, ref Acc4 u0, ref Acc4 u1, ref Acc4 u2, ref Acc4 u3)
    {
        GroupedGemmKernel.GateUpOut(args, o, start, rows, r, n0, ref g0, ref u0);
        GroupedGemmKernel.GateUpOut(args, o, start, rows, r, n0 + 8, ref g1, ref u1);
        GroupedGemmKernel.GateUpOut(args, o, start, rows, r, n0 + 16, ref g2, ref u2);
        GroupedGemmKernel.GateUpOut(args, o, start, rows, r, n0 + 24, ref g3, ref u3);
    }

    private static void Plain8(GemmArgs args, ArrayView<int> sortedSlot, ArrayView<float> weight, ArrayView<float> o,
        int start, int rows, int r, int n0,
        ref Acc4 c0, ref Acc4 c1, ref Acc4 c2, ref Acc4 c3, ref Acc4 c4, ref Acc4 c5, ref Acc4 c6, ref Acc4 c7)
    {
        GroupedGemmKernel.PlainOut(args, sortedSlot, weight, o, start, rows, r, n0, ref c0);
        GroupedGemmKernel.PlainOut(args, sortedSlot, weight, o, start, rows, r, n0 + 8, ref c1);
        GroupedGemmKernel.PlainOut(args, sortedSlot, weight, o, start, rows, r, n0 + 16, ref c2);
        GroupedGemmKernel.PlainOut(args, sortedSlot, weight, o, start, rows, r, n0 + 24, ref c3);
        GroupedGemmKernel.PlainOut(args, sortedSlot, weight, o, start, rows, r, n0 + 32, ref c4);
        GroupedGemmKernel.PlainOut(args, sortedSlot, weight, o, start, rows, r, n0 + 40, ref c5);
        GroupedGemmKernel.PlainOut(args, sortedSlot, weight, o, start, rows, r, n0 + 48, ref c6);
        GroupedGemmKernel.PlainOut(args, sortedSlot, weight, o, start, rows, r, n0 + 56, ref c7);
    }

    /// <summary>Weight row behind block-local row <paramref name="j"/>: gate/up blocks give warp column wn = j/64 the gate rows
    /// of FFN indices n0 + 32·wn .. +31 (j%64 &lt; 32) and then the up rows of the same indices, so SiLU·mul stays in registers.</summary>
    internal static long BRow(GemmArgs args, int colBlock, int j)
    {
        if (args.Mode != 1) return (long)colBlock * BlockCols + j;
        int n = colBlock * (BlockCols / 2) + (j >> 6) * 32 + (j & 31);
        return (j & 32) == 0 ? n : args.NOut + n;
    }

    /// <summary>Physical 16-byte chunk of logical chunk <paramref name="chunk"/> in row <paramref name="row"/>: the XOR makes the
    /// 8 rows × 4 words of a fragment read (and the 8 rows of a cp.async phase) hit 32 different banks without padding.</summary>
    internal static int Swizzle(int row, int chunk) => chunk ^ ((row >> 1) & 3);

    // One slice of this thread's chunks into the buffer whose first chunk index is in `dst`: rows row0 and row0+64 of A and B.
    private static void Put(ArrayView<U4> s4, int dst, U4 a0, U4 a1, U4 b0, U4 b1)
    {
        const int step = 64 * RowBytes / 16;
        s4[dst] = a0; s4[dst + step] = a1;
        int bd = dst + ABytes / 16;
        s4[bd] = b0; s4[bd + step] = b1;
    }

    // A rows past the tile (index -1) read as zeros without touching memory.
    private static U4 LoadA(ArrayView<U4> chunks, int index, int offset) => index < 0 ? default : chunks[index + offset];

    // First chunk of A's row for tile row `row` (the rows GroupedGemmKernel.ARow addresses), or -1 past the tile's end.
    private static int ARowChunk(GemmArgs args, ArrayView<int> sortedSlot, int start, int rows, int row, int kChunks)
    {
        if (row >= rows) return -1;
        int p = start + row;
        int source = args.Mode == 1 ? sortedSlot[p] / args.TopK : p;
        return source * kChunks;
    }
}

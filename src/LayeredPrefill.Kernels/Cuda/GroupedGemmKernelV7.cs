using ILGPU;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>
/// Version 7 of the tensor-core tile GEMM, the default for every expert GEMM: each 128-thread block computes one 64-row
/// sort tile against 128 weight rows, every warp a 32×64 slab (16 mma per k16 step from 6 ldmatrix.x4, where v1 needed
/// 20 shared loads for 8 mma), over 64-wide K slices in two XOR-swizzled shared-memory buffers: the next slice is loaded
/// into registers while the current one is computed, then stored into the other buffer, so there is one barrier per 64
/// of K (v1: two per 64, and its stores waited behind the compute). 163 registers (3 blocks per SM), 0-byte stack.
/// cp.async would need no staging registers, but any cp.async in a kernel stops ptxas from keeping the inline-assembly
/// operand slots (mma, ldmatrix) in registers (checked with ptxas 11.8: 0 → 1416-byte stack), so loads go through views.
/// results/gpu/NOTES.md has the measurements.
/// Arguments and epilogues are v1's.
/// </summary>
public static class GroupedGemmKernelV7
{
    /// <summary>Sorted rows per block = rows per sort tile.</summary>
    public const int Rows = GroupedGemmKernel.TileRows;
    /// <summary>Weight rows per block (gate/up: 64 gate rows and the 64 matching up rows).</summary>
    public const int BlockCols = 128;
    /// <summary>Threads per block: 4 warps, 2 along the rows × 2 along the weight rows.</summary>
    public const int Threads = 128;
    /// <summary>K per shared-memory buffer.</summary>
    public const int SliceK = 64;
    private const int RowBytes = SliceK * 2;                      // 128 bytes = 8 chunks of 16
    private const int RowChunks = RowBytes / 16;
    private const int RowWords = RowBytes / 4;
    private const int ABytes = Rows * RowBytes;                   // 8 KB
    private const int StageBytes = ABytes + BlockCols * RowBytes; // 24 KB; two buffers = 48 KB, the static limit

    /// <summary>The kernel; grid = (tiles, column blocks of <see cref="BlockCols"/>) or, with args.ColumnsFastest, (column blocks, tiles); group = <see cref="Threads"/>.</summary>
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
        // args.ColumnsFastest: grid x = column block, so the blocks sharing a tile's A rows run together.
        int tile = args.ColumnsFastest != 0 ? Grid.IdxY : Grid.IdxX, colBlock = args.ColumnsFastest != 0 ? Grid.IdxX : Grid.IdxY;
        if (tile >= tileCount[0]) return;
        int expert = tileInfo[tile * 3];
        int start = tileInfo[tile * 3 + 1];
        int rows = tileInfo[tile * 3 + 2];

        // The kernel's only shared allocation, so that it is __shared_alloca0 and ldmatrix can address it.
        var smem = SharedMemory.Allocate<uint>(2 * StageBytes / 4);
        var smem4 = smem.Cast<U4>();
        uint sBase = Ptx.FirstSharedAddress();

        // Copies: thread t moves chunk t%8 of A rows t/8 + 16i (i < 4) and of B rows t/8 + 16i (i < 8). Chunk indices
        // (16 bytes each) are 32-bit to save registers (B of 128 experts is 75 M chunks); -1 marks an A row past the tile.
        int chunk = tid & 7, row0 = tid >> 3;
        int kChunks = args.K / 8;
        int a0 = ARowChunk(args, sortedSlot, start, rows, row0, kChunks, chunk), a1 = ARowChunk(args, sortedSlot, start, rows, row0 + 16, kChunks, chunk);
        int a2 = ARowChunk(args, sortedSlot, start, rows, row0 + 32, kChunks, chunk), a3 = ARowChunk(args, sortedSlot, start, rows, row0 + 48, kChunks, chunk);
        // B row of copy i (rows row0 + 16i, see BRow) = row of copy 0 + (i&1)·16 + ((i>>1)&1)·s2 + (i>>2)·s3 rows:
        // gate/up s2 = the up half, s3 = 32; down s2 = 32, s3 = 64. Three strides instead of eight addresses save registers.
        int b0 = (int)(expert * (args.BExpertStrideBytes >> 4)) + (int)BRow(args, colBlock, row0) * kChunks + chunk;
        int s1 = CopyRowOffset(args.Mode, args.NOut, 1) * kChunks, s2 = CopyRowOffset(args.Mode, args.NOut, 2) * kChunks;
        int s3 = CopyRowOffset(args.Mode, args.NOut, 4) * kChunks;
        // Rows r and r + 16i share r & 7, so one swizzled chunk index serves all of this thread's rows.
        int dst = row0 * RowChunks + Swizzle(row0, chunk);

        int slices = args.K / SliceK;
        U4 ra0 = LoadA(aChunks, a0, 0), ra1 = LoadA(aChunks, a1, 0), ra2 = LoadA(aChunks, a2, 0), ra3 = LoadA(aChunks, a3, 0);
        U4 rb0 = bChunks[b0], rb1 = bChunks[b0 + s1], rb2 = bChunks[b0 + s2], rb3 = bChunks[b0 + s1 + s2];
        U4 rb4 = bChunks[b0 + s3], rb5 = bChunks[b0 + s3 + s1], rb6 = bChunks[b0 + s3 + s2], rb7 = bChunks[b0 + s3 + s1 + s2];
        Put(smem4, dst, ra0, ra1, ra2, ra3, rb0, rb1, rb2, rb3, rb4, rb5, rb6, rb7);
        Group.Barrier();

        Acc4 c00 = default, c01 = default, c02 = default, c03 = default, c04 = default, c05 = default, c06 = default, c07 = default;
        Acc4 c10 = default, c11 = default, c12 = default, c13 = default, c14 = default, c15 = default, c16 = default, c17 = default;
        int warp = tid >> 5, lane = tid & 31, g = lane >> 2, tig = lane & 3;
        int wm = warp & 1, wn = warp >> 1;        // warp rows 32·wm.., weight rows 64·wn..
        bool warpActive = wm * 32 < rows;
        int aRow = wm * 32 + g;
        // ldmatrix.x4 row addresses: lane l feeds matrix m = l/8 with row r = l%8. A (m-tile 0): rows 0-7/8-15 × k halves
        // lo/hi in mma's a0..a3 order; B (n-tiles 2p, 2p+1): (tile 2p, lo), (2p, hi), (2p+1, lo), (2p+1, hi) = b0, b1 of each.
        // All rows this lane addresses are ≡ r (mod 8), so they share the swizzle r.
        int m = lane >> 3, r = lane & 7;
        uint aAddr = sBase + (uint)((wm * 32 + (m & 1) * 8 + r) * RowBytes);
        uint bAddr = sBase + (uint)(ABytes + (wn * 64 + (m >> 1) * 8 + r) * RowBytes);
        int aHalf = m >> 1, bHalf = m & 1;

        for (int kt = 0; kt < slices; kt++)
        {
            bool more = kt + 1 < slices;
            if (more)
            {
                int off = (kt + 1) * RowChunks;
                ra0 = LoadA(aChunks, a0, off); ra1 = LoadA(aChunks, a1, off); ra2 = LoadA(aChunks, a2, off); ra3 = LoadA(aChunks, a3, off);
                int b = b0 + off;
                rb0 = bChunks[b]; rb1 = bChunks[b + s1]; rb2 = bChunks[b + s2]; rb3 = bChunks[b + s1 + s2];
                rb4 = bChunks[b + s3]; rb5 = bChunks[b + s3 + s1]; rb6 = bChunks[b + s3 + s2]; rb7 = bChunks[b + s3 + s1 + s2];
            }
            if (warpActive)
            {
                uint st = (uint)((kt & 1) * StageBytes);
                for (int h = 0; h < SliceK / 16; h++)
                    Step(st + aAddr + (uint)(Swizzle(r, 2 * h + aHalf) << 4), st + bAddr + (uint)(Swizzle(r, 2 * h + bHalf) << 4),
                        ref c00, ref c01, ref c02, ref c03, ref c04, ref c05, ref c06, ref c07,
                        ref c10, ref c11, ref c12, ref c13, ref c14, ref c15, ref c16, ref c17);
            }
            // The other buffer was last read in iteration kt-1, before the barrier that ended it.
            if (more) Put(smem4, ((kt + 1) & 1) * (StageBytes / 16) + dst, ra0, ra1, ra2, ra3, rb0, rb1, rb2, rb3, rb4, rb5, rb6, rb7);
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
            Plain8(args, sortedSlot, slotWeight, outF32, outPairs, start, rows, aRow, n0, ref c00, ref c01, ref c02, ref c03, ref c04, ref c05, ref c06, ref c07);
            Plain8(args, sortedSlot, slotWeight, outF32, outPairs, start, rows, aRow + 16, n0, ref c10, ref c11, ref c12, ref c13, ref c14, ref c15, ref c16, ref c17);
        }
    }

    // One k16 step: the warp's 2 m-tiles × 8 n-tiles from six ldmatrix.x4 (a quarter of the shared-memory instructions of 32-bit loads).
    // a, b = this lane's ldmatrix row address for m-tile 0 and n-tiles 0-1; further tiles are whole 16-row blocks away.
    private static void Step(uint a, uint b,
        ref Acc4 c00, ref Acc4 c01, ref Acc4 c02, ref Acc4 c03, ref Acc4 c04, ref Acc4 c05, ref Acc4 c06, ref Acc4 c07,
        ref Acc4 c10, ref Acc4 c11, ref Acc4 c12, ref Acc4 c13, ref Acc4 c14, ref Acc4 c15, ref Acc4 c16, ref Acc4 c17)
    {
        const uint r16 = 16 * RowBytes;
        U4 b01 = Ptx.LoadMatrixX4(b), b23 = Ptx.LoadMatrixX4(b + r16), b45 = Ptx.LoadMatrixX4(b + 2 * r16), b67 = Ptx.LoadMatrixX4(b + 3 * r16);
        uint p0 = b01.X, q0 = b01.Y, p1 = b01.Z, q1 = b01.W, p2 = b23.X, q2 = b23.Y, p3 = b23.Z, q3 = b23.W;
        uint p4 = b45.X, q4 = b45.Y, p5 = b45.Z, q5 = b45.W, p6 = b67.X, q6 = b67.Y, p7 = b67.Z, q7 = b67.W;
        U4 x = Ptx.LoadMatrixX4(a);
        uint x0 = x.X, x1 = x.Y, x2 = x.Z, x3 = x.W;
        Row8(ref c00, ref c01, ref c02, ref c03, ref c04, ref c05, ref c06, ref c07, x0, x1, x2, x3,
            p0, q0, p1, q1, p2, q2, p3, q3, p4, q4, p5, q5, p6, q6, p7, q7);
        x = Ptx.LoadMatrixX4(a + r16);
        x0 = x.X; x1 = x.Y; x2 = x.Z; x3 = x.W;
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

    private static void Plain8(GemmArgs args, ArrayView<int> sortedSlot, ArrayView<float> weight, ArrayView<float> o, ArrayView<uint> pairs,
        int start, int rows, int r, int n0,
        ref Acc4 c0, ref Acc4 c1, ref Acc4 c2, ref Acc4 c3, ref Acc4 c4, ref Acc4 c5, ref Acc4 c6, ref Acc4 c7)
    {
        GroupedGemmKernel.PlainOut(args, sortedSlot, weight, o, pairs, start, rows, r, n0, ref c0);
        GroupedGemmKernel.PlainOut(args, sortedSlot, weight, o, pairs, start, rows, r, n0 + 8, ref c1);
        GroupedGemmKernel.PlainOut(args, sortedSlot, weight, o, pairs, start, rows, r, n0 + 16, ref c2);
        GroupedGemmKernel.PlainOut(args, sortedSlot, weight, o, pairs, start, rows, r, n0 + 24, ref c3);
        GroupedGemmKernel.PlainOut(args, sortedSlot, weight, o, pairs, start, rows, r, n0 + 32, ref c4);
        GroupedGemmKernel.PlainOut(args, sortedSlot, weight, o, pairs, start, rows, r, n0 + 40, ref c5);
        GroupedGemmKernel.PlainOut(args, sortedSlot, weight, o, pairs, start, rows, r, n0 + 48, ref c6);
        GroupedGemmKernel.PlainOut(args, sortedSlot, weight, o, pairs, start, rows, r, n0 + 56, ref c7);
    }

    /// <summary>Weight row behind block-local row <paramref name="j"/>: gate/up blocks give warp column wn = j/64 the gate rows
    /// of FFN indices n0 + 32·wn .. +31 (j%64 &lt; 32) and then the up rows of the same indices, so SiLU·mul stays in registers.</summary>
    internal static long BRow(GemmArgs args, int colBlock, int j)
    {
        if (args.Mode != 1) return (long)colBlock * BlockCols + j;
        int n = colBlock * (BlockCols / 2) + (j >> 6) * 32 + (j & 31);
        return (j & 32) == 0 ? n : args.NOut + n;
    }

    /// <summary>Weight rows between copy 0 and copy <paramref name="i"/> (0-7) of a thread, whose block rows are row0 + 16i:
    /// BRow(row0 + 16i) = BRow(row0) + this, for every row0 &lt; 16.</summary>
    internal static int CopyRowOffset(int mode, int nOut, int i) =>
        (i & 1) * 16 + ((i >> 1) & 1) * (mode == 1 ? nOut : 32) + (i >> 2) * (mode == 1 ? 32 : 64);

    /// <summary>Physical 16-byte chunk of logical chunk <paramref name="chunk"/> (0-7) in row <paramref name="row"/>: the XOR makes the
    /// 8 rows × 4 words of a fragment read (and each 8-row phase of the 16-byte stores) hit 32 different banks without padding.</summary>
    internal static int Swizzle(int row, int chunk) => chunk ^ (row & 7);

    // One slice of this thread's chunks into the buffer whose first chunk index is in `dst`: rows row0 + 16i of A and B.
    private static void Put(ArrayView<U4> s4, int dst, U4 a0, U4 a1, U4 a2, U4 a3,
        U4 b0, U4 b1, U4 b2, U4 b3, U4 b4, U4 b5, U4 b6, U4 b7)
    {
        const int step = 16 * RowChunks;
        s4[dst] = a0; s4[dst + step] = a1; s4[dst + 2 * step] = a2; s4[dst + 3 * step] = a3;
        int bd = dst + ABytes / 16;
        s4[bd] = b0; s4[bd + step] = b1; s4[bd + 2 * step] = b2; s4[bd + 3 * step] = b3;
        s4[bd + 4 * step] = b4; s4[bd + 5 * step] = b5; s4[bd + 6 * step] = b6; s4[bd + 7 * step] = b7;
    }

    // A rows past the tile (index -1) read as zeros without touching memory.
    private static U4 LoadA(ArrayView<U4> chunks, int index, int offset) => index < 0 ? default : chunks[index + offset];

    // Chunk `chunk` of A's row for tile row `row` (the rows GroupedGemmKernel.ARow addresses), or -1 past the tile's end.
    private static int ARowChunk(GemmArgs args, ArrayView<int> sortedSlot, int start, int rows, int row, int kChunks, int chunk)
    {
        if (row >= rows) return -1;
        int p = start + row;
        int source = args.Mode == 1 ? sortedSlot[p] / args.TopK : p;
        return source * kChunks + chunk;
    }
}

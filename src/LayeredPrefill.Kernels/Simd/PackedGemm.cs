using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayeredPrefill.Kernels.Simd;

/// <summary>One GEMM of a batch: C[rows, N] = A[rows, K] · B, A and C row-major with the given leading dimensions.</summary>
public readonly record struct GemmJob(float[] A, int AOffset, int Lda, int Rows, PackedMatrix B, float[] C, int COffset, int Ldc);

/// <summary>
/// Batch-invariant packed GEMM: every output element is one FMA chain over k = 0..K-1 in order, lanes run over
/// output columns, never split-K. So a row's result does not depend on how many rows share the call.
/// </summary>
public static class PackedGemm
{
    /// <summary>Rows per register block: 6 rows × 2 vectors = 12 accumulators, fits AVX2's 16 registers.</summary>
    public const int RowBlock = 6;

    /// <summary>Runs all jobs, in parallel over (job, panel) tiles.</summary>
    public static void Run(IReadOnlyList<GemmJob> jobs, int maxThreads = -1)
    {
        // Tiles: (job, panel, row block of up to 48 rows) so short jobs and long jobs both spread over cores.
        const int RowsPerTile = RowBlock * 8;
        var tiles = new List<(int Job, int Panel, int Row0)>();
        for (int j = 0; j < jobs.Count; j++)
            for (int r0 = 0; r0 < jobs[j].Rows; r0 += RowsPerTile)
                for (int p = 0; p < jobs[j].B.Panels; p++)
                    tiles.Add((j, p, r0));
        if (tiles.Count == 0) return;
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxThreads };
        if (tiles.Count < 4 || maxThreads == 1)
        {
            foreach (var t in tiles) RunTile(jobs[t.Job], t.Panel, t.Row0, Math.Min(jobs[t.Job].Rows, t.Row0 + RowsPerTile));
            return;
        }
        int threads = maxThreads > 0 ? maxThreads : Environment.ProcessorCount;
        int chunks = Math.Min(tiles.Count, threads * 4);
        Parallel.For(0, chunks, options, c =>
        {
            int from = (int)((long)tiles.Count * c / chunks), to = (int)((long)tiles.Count * (c + 1) / chunks);
            for (int i = from; i < to; i++)
            {
                var t = tiles[i];
                RunTile(jobs[t.Job], t.Panel, t.Row0, Math.Min(jobs[t.Job].Rows, t.Row0 + RowsPerTile));
            }
        });
    }

    /// <summary>Single GEMM convenience.</summary>
    public static void Run(float[] a, int rows, PackedMatrix b, float[] c, int maxThreads = -1) =>
        Run([new GemmJob(a, 0, b.K, rows, b, c, 0, b.N)], maxThreads);

    /// <summary>K block: a 256×16 slice of B (16 KB) stays in L1 while every row block of the tile uses it.</summary>
    private const int KBlock = 256;

    private static unsafe void RunTile(in GemmJob job, int panel, int rowFrom, int rowTo)
    {
        int k = job.B.K, n = job.B.N, c0 = panel * PackedMatrix.PanelWidth;
        int width = Math.Min(PackedMatrix.PanelWidth, n - c0);
        bool direct = width == PackedMatrix.PanelWidth;
        // Partial panels accumulate in a scratch tile (48 rows × 16) and copy out the valid columns at the end.
        float* tmp = stackalloc float[RowBlock * 8 * PackedMatrix.PanelWidth];
        fixed (float* aBase = job.A, cBase = job.C)
        fixed (ushort* bBase = job.B.Data)
        {
            ushort* bPanel = bBase + (long)panel * k * PackedMatrix.PanelWidth;
            // Splitting K into blocks stores the fp32 accumulators to C and reloads them: the FMA chain per
            // element is unchanged (k still runs 0..K-1 in order), so results stay bit-identical.
            for (int k0 = 0; k0 < k; k0 += KBlock)
            {
                int kc = Math.Min(KBlock, k - k0);
                bool accumulate = k0 > 0;
                ushort* b = bPanel + (long)k0 * PackedMatrix.PanelWidth;
                for (int r = rowFrom; r < rowTo; r += RowBlock)
                {
                    int mr = Math.Min(RowBlock, rowTo - r);
                    float* a = aBase + job.AOffset + (long)r * job.Lda + k0;
                    float* c = direct ? cBase + job.COffset + (long)r * job.Ldc + c0 : tmp + (r - rowFrom) * PackedMatrix.PanelWidth;
                    int ldc = direct ? job.Ldc : PackedMatrix.PanelWidth;
                    if (Fma.IsSupported && Avx2.IsSupported && mr == RowBlock) Kernel6x16(a, job.Lda, b, kc, c, ldc, accumulate);
                    else for (int i = 0; i < mr; i++) Kernel1x16(a + (long)i * job.Lda, b, kc, c + (long)i * ldc, accumulate);
                }
            }
            if (!direct)
                for (int r = rowFrom; r < rowTo; r++)
                    new Span<float>(tmp + (r - rowFrom) * PackedMatrix.PanelWidth, width).CopyTo(job.C.AsSpan(job.COffset + r * job.Ldc + c0, width));
        }
    }

    // A bf16 is the upper half of an fp32: zero-extend 8 of them to 32 bits and shift them up.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<float> Widen(ushort* b) => Avx2.ShiftLeftLogical(Avx2.ConvertToVector256Int32(b), 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Kernel6x16(float* a, int lda, ushort* b, int k, float* c, int ldc, bool accumulate)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        if (accumulate)
        {
            float* p = c;
            c00 = Avx.LoadVector256(p); c01 = Avx.LoadVector256(p + 8); p += ldc;
            c10 = Avx.LoadVector256(p); c11 = Avx.LoadVector256(p + 8); p += ldc;
            c20 = Avx.LoadVector256(p); c21 = Avx.LoadVector256(p + 8); p += ldc;
            c30 = Avx.LoadVector256(p); c31 = Avx.LoadVector256(p + 8); p += ldc;
            c40 = Avx.LoadVector256(p); c41 = Avx.LoadVector256(p + 8); p += ldc;
            c50 = Avx.LoadVector256(p); c51 = Avx.LoadVector256(p + 8);
        }
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda, a5 = a + 5 * lda;
        for (int kk = 0; kk < k; kk++)
        {
            var b0 = Widen(b);
            var b1 = Widen(b + 8);
            b += 16;
            var x = Vector256.Create(a0[kk]); c00 = Fma.MultiplyAdd(x, b0, c00); c01 = Fma.MultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[kk]); c10 = Fma.MultiplyAdd(x, b0, c10); c11 = Fma.MultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[kk]); c20 = Fma.MultiplyAdd(x, b0, c20); c21 = Fma.MultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[kk]); c30 = Fma.MultiplyAdd(x, b0, c30); c31 = Fma.MultiplyAdd(x, b1, c31);
            x = Vector256.Create(a4[kk]); c40 = Fma.MultiplyAdd(x, b0, c40); c41 = Fma.MultiplyAdd(x, b1, c41);
            x = Vector256.Create(a5[kk]); c50 = Fma.MultiplyAdd(x, b0, c50); c51 = Fma.MultiplyAdd(x, b1, c51);
        }
        Avx.Store(c, c00); Avx.Store(c + 8, c01); c += ldc;
        Avx.Store(c, c10); Avx.Store(c + 8, c11); c += ldc;
        Avx.Store(c, c20); Avx.Store(c + 8, c21); c += ldc;
        Avx.Store(c, c30); Avx.Store(c + 8, c31); c += ldc;
        Avx.Store(c, c40); Avx.Store(c + 8, c41); c += ldc;
        Avx.Store(c, c50); Avx.Store(c + 8, c51);
    }

    /// <summary>One row; the same per-element FMA chain as the 6-row kernel, so results match bit for bit.</summary>
    private static unsafe void Kernel1x16(float* a, ushort* b, int k, float* c, bool accumulate)
    {
        if (Fma.IsSupported && Avx2.IsSupported)
        {
            Vector256<float> c0 = accumulate ? Avx.LoadVector256(c) : default, c1 = accumulate ? Avx.LoadVector256(c + 8) : default;
            for (int kk = 0; kk < k; kk++, b += 16)
            {
                var x = Vector256.Create(a[kk]);
                c0 = Fma.MultiplyAdd(x, Widen(b), c0);
                c1 = Fma.MultiplyAdd(x, Widen(b + 8), c1);
            }
            Avx.Store(c, c0); Avx.Store(c + 8, c1);
            return;
        }
        // Scalar fallback keeps the same per-element fused chain.
        if (!accumulate) for (int j = 0; j < 16; j++) c[j] = 0;
        for (int kk = 0; kk < k; kk++, b += 16)
            for (int j = 0; j < 16; j++) c[j] = MathF.FusedMultiplyAdd(a[kk], Bf16.ToFloat(b[j]), c[j]);
    }
}

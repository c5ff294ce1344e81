using LayeredPrefill.Kernels;
using LayeredPrefill.Kernels.Simd;

namespace LayeredPrefill.Cli.KernelBench;

/// <summary>A routed-expert layer shape to benchmark.</summary>
public sealed record ExpertShape(string Name, int Hidden, int Experts, int Ffn, int TopK);

/// <summary>One row of the expert-FFN benchmark.</summary>
/// <param name="WeightBytes">Expert weight bytes streamed: distinct experts chosen × 3·H·F × 4.</param>
public sealed record ExpertBenchRow(string Shape, int Tokens, int DistinctExperts, double WeightBytes, double Flops, Timing Simd, Timing? BlasOneThread, Timing? BlasThreads);

/// <summary>The simd expert FFN (grouped GEMMs + SiLU) at several token counts, beside OpenBLAS on the same per-expert GEMMs (what `kernel-bench` runs).</summary>
public sealed class ExpertFfnBench
{
    private readonly ExpertShape _shape;
    private readonly PackedExpert[] _packed;
    private readonly float[][] _gateUp, _down;

    /// <summary>Draws and packs the experts (the raw copies are kept for OpenBLAS when <paramref name="keepRaw"/>).</summary>
    public ExpertFfnBench(ExpertShape shape, long seed, bool keepRaw)
    {
        _shape = shape;
        int h = shape.Hidden, f = shape.Ffn;
        _packed = new PackedExpert[shape.Experts];
        _gateUp = new float[keepRaw ? shape.Experts : 0][];
        _down = new float[keepRaw ? shape.Experts : 0][];
        for (int e = 0; e < shape.Experts; e++)
        {
            var gu = new float[(long)h * 2 * f];
            var dn = new float[(long)f * h];
            CounterRandom.Fill(gu, seed, 2 * e, 1f / MathF.Sqrt(h));
            CounterRandom.Fill(dn, seed, 2 * e + 1, 1f / MathF.Sqrt(f));
            _packed[e] = new PackedExpert(PackedMatrix.Pack(gu, h, 2 * f), PackedMatrix.Pack(dn, f, h));
            if (keepRaw) { _gateUp[e] = gu; _down[e] = dn; }
        }
    }

    /// <summary>Measures <paramref name="tokens"/> tokens routed uniformly at random (seeded) to top-k experts.</summary>
    public ExpertBenchRow Run(int tokens, Random random, int threads, int repeats)
    {
        int h = _shape.Hidden, f = _shape.Ffn, k = _shape.TopK, e = _shape.Experts;
        var ids = new int[tokens * k];
        for (int t = 0; t < tokens; t++)
        {
            var chosen = Enumerable.Range(0, e).OrderBy(_ => random.Next()).Take(k).ToArray();
            chosen.CopyTo(ids, t * k);
        }
        var weights = Enumerable.Repeat(1f / k, ids.Length).ToArray();
        var routing = SimdRouter.Sort(ids, weights, tokens, k, e);
        var x = new float[tokens * h];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
        var xs = SimdExperts.Gather(x, routing, h);
        var ys = new float[xs.Length];
        int distinct = Enumerable.Range(0, e).Count(i => routing.RowsOf(i) > 0);
        double bytes = (double)distinct * 3 * h * f * 4, flops = 2.0 * tokens * k * 3 * h * f;

        var simd = Timing.Measure(() => SimdExperts.Ffn(xs, routing.Offsets, _packed, h, f, ys, threads), repeats);
        Timing? one = null, many = null;
        if (_gateUp.Length > 0 && OpenBlas.Available)
        {
            var gu = new float[(long)xs.Length / h * 2 * f];
            var act = new float[(long)xs.Length / h * f];
            var yb = new float[ys.Length];
            void Blas()
            {
                for (int i = 0; i < e; i++)
                {
                    int rows = routing.RowsOf(i), off = routing.Offsets[i];
                    if (rows == 0) continue;
                    OpenBlas.Gemm(xs.AsSpan(off * h, rows * h), _gateUp[i], gu.AsSpan(off * 2 * f, rows * 2 * f), rows, 2 * f, h);
                    for (int r = 0; r < rows; r++)
                        for (int j = 0; j < f; j++)
                        {
                            float g = gu[(off + r) * 2 * f + j];
                            act[(off + r) * f + j] = g / (1f + MathF.Exp(-g)) * gu[(off + r) * 2 * f + f + j];
                        }
                    OpenBlas.Gemm(act.AsSpan(off * f, rows * f), _down[i], yb.AsSpan(off * h, rows * h), rows, h, f);
                }
            }
            OpenBlas.SetThreadCount(1);
            one = Timing.Measure(Blas, repeats);
            OpenBlas.SetThreadCount(threads);
            many = Timing.Measure(Blas, repeats);
        }
        return new ExpertBenchRow(_shape.Name, tokens, distinct, bytes, flops, simd, one, many);
    }

    /// <summary>Memory bandwidth of a large multi-threaded copy: (read + written bytes) / time, median of repeats.</summary>
    public static double CopyBandwidth(int threads, int repeats, long bytes = 1L << 30)
    {
        var src = new float[bytes / 4 / 2];
        var dst = new float[src.Length];
        Array.Fill(src, 1f);
        Array.Fill(dst, 2f);
        int chunks = threads * 8;
        var t = Timing.Measure(() => Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
        {
            long from = src.LongLength * c / chunks, to = src.LongLength * (c + 1) / chunks;
            src.AsSpan((int)from, (int)(to - from)).CopyTo(dst.AsSpan((int)from, (int)(to - from)));
        }), repeats);
        return 2.0 * src.LongLength * 4 / t.Median;
    }
}

using LayeredPrefill.Kernels;
using LayeredPrefill.Kernels.Simd;
using LayeredPrefill.Randomness;

namespace LayeredPrefill.Cli.KernelBench;

/// <summary>A routed-expert layer shape to benchmark.</summary>
public sealed record ExpertShape(string Name, int Hidden, int Experts, int Ffn, int TopK)
{
    /// <summary>Weights of one expert (gate, up and down).</summary>
    public long ExpertParameters => 3L * Hidden * Ffn;
}

/// <summary>One row of the expert-FFN benchmark.</summary>
/// <param name="WeightBytes">Expert weight bytes the simd engine streamed: distinct experts chosen × 3·H·F × 2 (bf16).</param>
/// <param name="BlasWeightBytes">The same experts in OpenBLAS's fp32: × 4.</param>
public sealed record ExpertBenchRow(string Shape, int Tokens, int DistinctExperts, double WeightBytes, double BlasWeightBytes, double Flops,
    Timing Simd, Timing? BlasOneThread, Timing? BlasThreads);

/// <summary>
/// What `kernel-bench` runs: the simd expert FFN (grouped GEMMs over bf16 weights + SiLU) at several token counts, beside OpenBLAS on the same
/// per-expert GEMMs in fp32. Memory stays bounded (qwen3-30b-a3b's layer: about 1.7 GB at T = 2048, was 5.5 GB): the simd
/// experts are drawn straight into packed bf16 (1.2 GB for 128 experts) and measured first; then they are dropped and
/// OpenBLAS runs on a pool of at most <see cref="BlasPoolBytes"/> of fp32 experts, expert e reading buffer e mod the pool
/// size. The pool is many times the last-level cache, so every expert still streams from DRAM as a distinct one would.
/// </summary>
public sealed class ExpertFfnBench(ExpertShape shape, long seed)
{
    /// <summary>The most fp32 expert weights OpenBLAS's pool holds.</summary>
    public const long BlasPoolBytes = 512L << 20;

    /// <summary>Bytes the bench holds at most for <paramref name="tokens"/> (weights of the larger phase plus the activations of the largest T).</summary>
    public static long BytesNeeded(ExpertShape shape, IReadOnlyList<int> tokens, bool blas)
    {
        long simdWeights = shape.Experts * (PackedMatrix.BytesFor(shape.Hidden, 2 * shape.Ffn) + PackedMatrix.BytesFor(shape.Ffn, shape.Hidden));
        long blasWeights = blas ? BlasPoolSize(shape) * shape.ExpertParameters * 4 : 0;
        long rows = (long)tokens.DefaultIfEmpty(1).Max() * shape.TopK;
        // x, xs, ys: hidden wide; gate|up: 2·ffn; act: ffn (and BLAS's own gate|up, act, output).
        long activations = rows * (3L * shape.Hidden + 3L * shape.Ffn) * 4 * (blas ? 2 : 1);
        return Math.Max(simdWeights, blasWeights) + activations;
    }

    private static int BlasPoolSize(ExpertShape shape) => (int)Math.Clamp(BlasPoolBytes / (shape.ExpertParameters * 4), 1, shape.Experts);

    /// <summary>Measures every count of <paramref name="tokens"/>: simd over all counts, then (when <paramref name="blas"/>) OpenBLAS.</summary>
    /// <remarks>Tokens are routed uniformly at random (seeded) to top-k experts; both phases see the same routing and inputs.</remarks>
    public IReadOnlyList<ExpertBenchRow> Run(IReadOnlyList<int> tokens, int threads, int repeats, bool blas)
    {
        // One phase per method: its weights are unreachable once it returns, and Release() hands them back before the next.
        var simd = SimdPhase(tokens, threads, repeats);
        Release();
        var (one, many) = blas && OpenBlas.Available ? BlasPhase(tokens, threads, repeats) : (new Timing?[tokens.Count], new Timing?[tokens.Count]);
        Release();
        var result = new ExpertBenchRow[tokens.Count];
        for (int i = 0; i < tokens.Count; i++)
        {
            var (routing, _) = Inputs(tokens[i], i);
            int distinct = Enumerable.Range(0, shape.Experts).Count(x => routing.RowsOf(x) > 0);
            double parameters = (double)distinct * shape.ExpertParameters;
            result[i] = new ExpertBenchRow(shape.Name, tokens[i], distinct, parameters * PackedMatrix.BytesPerWeight, parameters * 4,
                2.0 * tokens[i] * shape.TopK * shape.ExpertParameters, simd[i], one[i], many[i]);
        }
        return result;
    }

    private Timing[] SimdPhase(IReadOnlyList<int> tokens, int threads, int repeats)
    {
        int h = shape.Hidden, f = shape.Ffn;
        var packed = new PackedExpert[shape.Experts];
        for (int i = 0; i < packed.Length; i++)
            packed[i] = new PackedExpert(Draw(2 * i, h, 2 * f, h), Draw(2 * i + 1, f, h, f));
        var scratch = new Scratch();
        var timings = new Timing[tokens.Count];
        for (int i = 0; i < tokens.Count; i++)
        {
            var (routing, x) = Inputs(tokens[i], i);
            int rows = routing.SortedTokens.Length;
            // The engine's reused buffers, as in serving: no count or repeat allocates its activations afresh.
            var xs = SimdExperts.Gather(x, routing, h, scratch.Get("xs", (long)rows * h));
            var ys = scratch.Get("ys", (long)rows * h);
            timings[i] = Timing.Measure(() => SimdExperts.Ffn(xs, routing.Offsets, packed, h, f, ys, threads, scratch), repeats);
        }
        return timings;
    }

    private (Timing?[] One, Timing?[] Many) BlasPhase(IReadOnlyList<int> tokens, int threads, int repeats)
    {
        int h = shape.Hidden, f = shape.Ffn, e = shape.Experts;
        Timing?[] one = new Timing?[tokens.Count], many = new Timing?[tokens.Count];
        int pool = BlasPoolSize(shape);
        var gateUp = new float[pool][];
        var down = new float[pool][];
        for (int i = 0; i < pool; i++)
        {
            gateUp[i] = new float[(long)h * 2 * f];
            down[i] = new float[(long)f * h];
            CounterRandom.Fill(gateUp[i], seed, 2 * i, 1f / MathF.Sqrt(h));
            CounterRandom.Fill(down[i], seed, 2 * i + 1, 1f / MathF.Sqrt(f));
        }
        for (int t = 0; t < tokens.Count; t++)
        {
            var (routing, x) = Inputs(tokens[t], t);
            var xs = SimdExperts.Gather(x, routing, h);
            var gu = new float[(long)xs.Length / h * 2 * f];
            var act = new float[(long)xs.Length / h * f];
            var yb = new float[xs.Length];
            void Blas()
            {
                for (int i = 0; i < e; i++)
                {
                    int rows = routing.RowsOf(i), off = routing.Offsets[i];
                    if (rows == 0) continue;
                    OpenBlas.Gemm(xs.AsSpan(off * h, rows * h), gateUp[i % pool], gu.AsSpan(off * 2 * f, rows * 2 * f), rows, 2 * f, h);
                    for (int r = 0; r < rows; r++)
                        for (int j = 0; j < f; j++)
                        {
                            float g = gu[(off + r) * 2 * f + j];
                            act[(off + r) * f + j] = g / (1f + MathF.Exp(-g)) * gu[(off + r) * 2 * f + f + j];
                        }
                    OpenBlas.Gemm(act.AsSpan(off * f, rows * f), down[i % pool], yb.AsSpan(off * h, rows * h), rows, h, f);
                }
            }
            OpenBlas.SetThreadCount(1);
            one[t] = Timing.Measure(Blas, repeats);
            OpenBlas.SetThreadCount(threads);
            many[t] = Timing.Measure(Blas, repeats);
        }
        return (one, many);
    }

    /// <summary>Hands freed weights and activations back before the next phase allocates its own (large arrays, so compact them too).</summary>
    public static void Release()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    private PackedMatrix Draw(long stream, int rows, int cols, int fanIn)
    {
        float scale = 1f / MathF.Sqrt(fanIn);
        return PackedMatrix.Draw(rows, cols, i => scale * CounterRandom.Symmetric(seed, stream, i));
    }

    // The same routing and activations for a token count in both phases: seeded by (seed, position in the list).
    private (Routing Routing, float[] X) Inputs(int tokens, int index)
    {
        var random = new SeededRandom(seed, index);
        int k = shape.TopK, e = shape.Experts;
        var ids = new int[tokens * k];
        for (int t = 0; t < tokens; t++)
            Enumerable.Range(0, e).OrderBy(_ => random.Next()).Take(k).ToArray().CopyTo(ids, t * k);
        var weights = Enumerable.Repeat(1f / k, ids.Length).ToArray();
        var x = new float[tokens * shape.Hidden];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
        return (SimdRouter.Sort(ids, weights, tokens, k, e), x);
    }

    /// <summary>Bytes <see cref="CopyBandwidth"/> copies through (read + written): 256 MiB, eight times a 32 MiB last-level cache.</summary>
    public const long CopyBytes = 256L << 20;

    /// <summary>Memory bandwidth of a large multi-threaded copy: (read + written bytes) / time, median of repeats.</summary>
    public static double CopyBandwidth(int threads, int repeats, long bytes = CopyBytes)
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
        src = dst = [];
        Release();
        return bytes / t.Median;
    }
}

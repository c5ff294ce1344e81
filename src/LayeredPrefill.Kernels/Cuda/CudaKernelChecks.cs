using ILGPU;
using ILGPU.Runtime;
using LayeredPrefill.Kernels.Verification;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>
/// Each whole-model CUDA kernel against float64 on fresh random inputs (bf16-rounded, as the device holds them), with every
/// output poisoned (NaN) before the kernel runs, at the shapes of Qwen3-30B-A3B (hidden 2048, 32/4 heads of 128) and a head
/// size of 64. Bounds: 1e-2 where the output is stored in bf16 (its rounding alone is up to 2^-9 relative), 1e-4 for f32
/// GEMM outputs over bf16 inputs (f32 accumulation only).
/// </summary>
public static class CudaKernelChecks
{
    /// <summary>Bound for outputs stored as bf16.</summary>
    public const double Bf16Bound = 1e-2;
    /// <summary>Bound for f32 outputs of bf16 products accumulated in f32.</summary>
    public const double F32AccumulateBound = 1e-4;

    /// <summary>Runs every check on the accelerator of <paramref name="k"/>.</summary>
    public static IReadOnlyList<KernelCheckRow> Run(CudaModelKernels k, Random random)
    {
        var c = new Checker(k, random);
        var rows = new List<KernelCheckRow>
        {
            c.Fill(),
            c.Embed(),
            c.RmsNorm(37, 2048),
            c.Dense(GemmMode.Dense, 70, 640, 2048),
            c.Dense(GemmMode.DenseAdd, 131, 256, 4096),
            c.Dense(GemmMode.Dense, 1, 1152, 1024),
            c.Rope(29, 32, 4, 128),
            c.Argmax(11, 1000, 1024),
            c.CombineAdd(23, 2048, 8),
        };
        foreach (var (d, qh, kvh) in new[] { (128, 32, 4), (64, 16, 4) })
        {
            // Prefill slices with context before them, from position 0, and of one row; decode rows of one split, several, and
            // at split boundaries; both in one batch, as a chunked or layered iteration has them.
            rows.Add(c.Attention(d, qh, kvh, [(100, 37), (0, 5), (250, 1), (3, 64)], [1, 3, 255, 256, 257, 700], AttentionKernel.SplitTokens));
            rows.Add(c.Attention(d, qh, kvh, [(31, 2)], [32, 33, 64, 100], 32));
        }
        return rows;
    }

    private sealed class Checker(CudaModelKernels k, Random random)
    {
        private readonly Accelerator _a = k.Moe.Accelerator;
        private AcceleratorStream S => _a.DefaultStream;

        private float Bf(double v) => Bf16.ToFloat(Bf16.FromFloat((float)v));
        private float[] R(int n, double scale = 1) => Enumerable.Range(0, n).Select(_ => Bf((random.NextDouble() * 2 - 1) * scale)).ToArray();
        private static uint[] Pairs(float[] v)
        {
            var p = new uint[v.Length / 2];
            for (int i = 0; i < p.Length; i++) p[i] = Bf16.FromFloat(v[2 * i]) | ((uint)Bf16.FromFloat(v[2 * i + 1]) << 16);
            return p;
        }
        private static float[] Unpair(uint[] p)
        {
            var v = new float[2 * p.Length];
            for (int i = 0; i < p.Length; i++) (v[2 * i], v[2 * i + 1]) = Bf16.Unpack(p[i]);
            return v;
        }
        private static ushort[] Halves(float[] v) => v.Select(Bf16.FromFloat).ToArray();
        private static float[] Unhalve(ushort[] h) => h.Select(Bf16.ToFloat).ToArray();
        private MemoryBuffer1D<T, Stride1D.Dense> Up<T>(T[] data) where T : unmanaged => _a.Allocate1D(data);
        private MemoryBuffer1D<uint, Stride1D.Dense> PoisonedPairs(long n)
        {
            var b = _a.Allocate1D<uint>(n);
            b.View.CopyFromCPU(Enumerable.Repeat(0xFFFFFFFFu, (int)n).ToArray());   // bf16 NaN in both halves
            return b;
        }
        private MemoryBuffer1D<float, Stride1D.Dense> PoisonedFloats(long n)
        {
            var b = _a.Allocate1D<float>(n);
            k.Moe.FillF32(S, (int)n, b.View, float.NaN);
            return b;
        }
        private static KernelCheckRow Row(string name, float[] got, double[] want, double bound) => new(name, KernelChecks.Error(got, want), bound);

        public KernelCheckRow Fill()
        {
            // A small matrix from a real weight stream: device draws must equal the host's, rounded to bf16.
            int n = 384, kk = 256;
            long seed = random.Next(1, 1 << 30), stream = random.Next(0, 1000);
            using var b = PoisonedPairs((long)n * kk / 2);
            float scale = WeightStreams.MatrixScale(kk);
            k.FillWeights(S, n * kk / 2, b.View, seed, stream, n, kk, scale, 0f);
            _a.Synchronize();
            var got = Unpair(b.GetAsArray1D());
            var host = new float[n * kk];
            CounterRandom.Fill(host, seed, stream, scale);
            var want = new double[n * kk];
            for (int row = 0; row < n; row++)
                for (int c = 0; c < kk; c++) want[row * kk + c] = Bf(host[c * n + row]);
            return Row("weight fill (device draws = host draws, bf16)", got, want, 0);
        }

        public KernelCheckRow Embed()
        {
            int vocab = 300, h = 256, n = 9;
            var table = R(vocab * h);
            var tokens = Enumerable.Range(0, n).Select(_ => random.Next(vocab)).ToArray();
            var rows = Enumerable.Range(0, n).OrderBy(_ => random.Next()).ToArray();
            using var tb = Up(Pairs(table));
            using var tok = Up(tokens);
            using var rw = Up(rows);
            using var hidden = PoisonedFloats((long)n * h);
            k.Embed(S, n * h / 2, rw.View, tok.View, tb.View, hidden.View, h);
            _a.Synchronize();
            var want = new double[n * h];
            for (int r = 0; r < n; r++)
                for (int c = 0; c < h; c++) want[r * h + c] = table[tokens[r] * h + c];
            return Row("embedding", hidden.GetAsArray1D(), want, 0);
        }

        public KernelCheckRow RmsNorm(int t, int h)
        {
            var x = Enumerable.Range(0, t * h).Select(_ => (float)((random.NextDouble() * 2 - 1) * 3)).ToArray();
            var w = Enumerable.Range(0, h).Select(_ => (float)(1 + 0.1 * (random.NextDouble() * 2 - 1))).ToArray();
            using var xb = Up(x);
            using var wb = Up(w);
            using var map = Up(new int[1]);
            using var y = PoisonedPairs((long)t * h / 2);
            k.RmsNorm(new KernelConfig(t, ModelKernels.RowThreads), xb.View, map.View, 0, wb.View, y.View, h);
            _a.Synchronize();
            return Row("rmsnorm → bf16", Unpair(y.GetAsArray1D()), Float64Reference.RmsNorm(x, t, w), Bf16Bound);
        }

        public KernelCheckRow Dense(GemmMode mode, int t, int n, int kk)
        {
            var a = R(t * kk);
            var b = R(n * kk, 1 / Math.Sqrt(kk));
            var c0 = mode == GemmMode.DenseAdd ? Enumerable.Range(0, t * n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray() : new float[t * n];
            using var ab = Up(Pairs(a));
            using var bb = Up(Pairs(b));
            using var cb = mode == GemmMode.DenseAdd ? Up(c0) : PoisonedFloats((long)t * n);
            int tiles = (t + GroupedGemmKernel.TileRows - 1) / GroupedGemmKernel.TileRows;
            using var tileInfo = _a.Allocate1D<int>(3L * tiles);
            using var tileCount = _a.Allocate1D<int>(1);
            using var dummyI = _a.Allocate1D<int>(4);
            using var dummyF = _a.Allocate1D<float>(4);
            using var dummyP = _a.Allocate1D<uint>(4);
            k.DenseTiles(S, tiles, tileInfo.View, tileCount.View, t);
            var layer = new CudaMoeLayer(k.Moe, MoeShape.Qwen3);
            layer.Dense(mode, ((ArrayView<uint>)ab.View).Cast<U4>(), ((ArrayView<uint>)bb.View).Cast<U4>(), n, kk, t, tileInfo.View, tileCount.View, cb.View,
                dummyI.View, dummyF.View, dummyP.View);
            _a.Synchronize();
            var want = new double[t * n];
            Parallel.For(0, t, r =>
            {
                for (int j = 0; j < n; j++)
                {
                    double s = c0[r * n + j];
                    for (int i = 0; i < kk; i++) s += (double)a[r * kk + i] * b[j * kk + i];
                    want[r * n + j] = s;
                }
            });
            return Row($"dense GEMM {(mode == GemmMode.DenseAdd ? "+= " : "")}[{t}×{kk}]·[{n}×{kk}]ᵀ (v7)", cb.GetAsArray1D(), want, F32AccumulateBound);
        }

        public KernelCheckRow Rope(int t, int qh, int kvh, int d)
        {
            int width = (qh + 2 * kvh) * d, blocks = 64;
            var qkv = Enumerable.Range(0, t * width).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            // Distinct positions: two rows at one position would write the same KV slot.
            var positions = Enumerable.Range(0, 500).OrderBy(_ => random.Next()).Take(t).ToArray();
            var table = Enumerable.Range(0, blocks).OrderBy(_ => random.Next()).ToArray();
            var rope = new RopeTable(512, d);
            using var qb = Up(qkv);
            using var pb = Up(positions);
            using var ob = Up(new int[t]);     // every row uses block table entries 0..
            using var tb = Up(table);
            using var cb = Up(rope.Cos);
            using var sb = Up(rope.Sin);
            using var qOut = _a.Allocate1D<ushort>((long)t * qh * d);
            using var keys = _a.Allocate1D<ushort>((long)blocks * kvh * IterationBatch.BlockTokens * d);
            using var values = _a.Allocate1D<ushort>(keys.Length);
            qOut.View.CopyFromCPU(Enumerable.Repeat((ushort)0xFFFF, (int)qOut.Length).ToArray());
            k.RopeWriteKv(S, t * (qh + kvh) * (d / 2), qb.View, pb.View, ob.View, tb.View, cb.View, sb.View, qOut.View, keys.View, values.View, qh, kvh, d);
            _a.Synchronize();
            var rot = Float64Reference.Rope(qkv, t, width, qh + kvh, d, positions);
            var qGot = Unhalve(qOut.GetAsArray1D());
            var kGot = Unhalve(keys.GetAsArray1D());
            var vGot = Unhalve(values.GetAsArray1D());
            var got = new List<float>();
            var want = new List<double>();
            for (int r = 0; r < t; r++)
            {
                for (int i = 0; i < qh * d; i++) { got.Add(qGot[r * qh * d + i]); want.Add(rot[r * width + i]); }
                int p = positions[r];
                for (int h = 0; h < kvh; h++)
                {
                    long slot = (((long)table[p / IterationBatch.BlockTokens] * kvh + h) * IterationBatch.BlockTokens + p % IterationBatch.BlockTokens) * d;
                    for (int e = 0; e < d; e++)
                    {
                        got.Add(kGot[slot + e]); want.Add(rot[r * width + qh * d + h * d + e]);
                        got.Add(vGot[slot + e]); want.Add(qkv[r * width + (qh + kvh) * d + h * d + e]);
                    }
                }
            }
            return Row("rope + paged KV write (q, k, v → bf16)", [.. got], [.. want], Bf16Bound);
        }

        public KernelCheckRow Argmax(int rows, int vocab, int stride)
        {
            var logits = Enumerable.Range(0, rows * stride).Select(_ => (float)random.NextDouble()).ToArray();
            // A tie at the row maximum must go to the lower index.
            logits[3 * stride + 500] = 2f; logits[3 * stride + 17] = 2f;
            using var lb = Up(logits);
            using var res = Up(Enumerable.Repeat(-1, rows).ToArray());
            k.Argmax(new KernelConfig(rows, ModelKernels.RowThreads), lb.View, res.View, vocab, stride);
            _a.Synchronize();
            var got = res.GetAsArray1D();
            var want = Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, vocab).MaxBy(v => (logits[r * stride + v], -v))).ToArray();
            return new KernelCheckRow("lm-head argmax (strided rows, ties to the lower index)", got.SequenceEqual(want) ? 0 : double.PositiveInfinity, 0);
        }

        public KernelCheckRow CombineAdd(int t, int h, int topK)
        {
            var perSlot = R(t * topK * h);
            var x = Enumerable.Range(0, t * h).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            using var pb = Up(Pairs(perSlot));
            using var xb = Up(x);
            using var map = Up(new int[1]);
            using var flags = Up(new int[2]);
            k.CombineAdd(S, t * h / 2, pb.View, h, topK, map.View, 0, xb.View, flags.View, 1);
            _a.Synchronize();
            var want = new double[t * h];
            for (int r = 0; r < t; r++)
                for (int c = 0; c < h; c++)
                {
                    double s = x[r * h + c];
                    for (int j = 0; j < topK; j++) s += perSlot[(r * topK + j) * h + c];
                    want[r * h + c] = s;
                }
            // Finite inputs must raise no flag.
            var error = flags.GetAsArray1D().Any(f => f != 0) ? double.PositiveInfinity : KernelChecks.Error(xb.GetAsArray1D(), want);
            return new KernelCheckRow("top-k combine into the residual (with the non-finite flag)", error, F32AccumulateBound);
        }

        // Requests laid out in a shuffled block pool; each request's whole context (before and inside its slice) is in the cache.
        private (MemoryBuffer1D<ushort, Stride1D.Dense> Keys, MemoryBuffer1D<ushort, Stride1D.Dense> Values, int[] Table, int[] Offsets, float[][] K, float[][] V)
            Cache(int kvh, int d, int[] contexts)
        {
            int w = kvh * d;
            var blocksOf = contexts.Select(c => (c + IterationBatch.BlockTokens - 1) / IterationBatch.BlockTokens).ToArray();
            int total = blocksOf.Sum() + 3;
            var pool = Enumerable.Range(0, total).OrderBy(_ => random.Next()).ToArray();
            var table = new List<int>();
            var offsets = new int[contexts.Length];
            var kHost = new ushort[(long)total * kvh * IterationBatch.BlockTokens * d];
            var vHost = new ushort[kHost.Length];
            var ks = new float[contexts.Length][];
            var vs = new float[contexts.Length][];
            int next = 0;
            for (int r = 0; r < contexts.Length; r++)
            {
                offsets[r] = table.Count;
                for (int b = 0; b < blocksOf[r]; b++) table.Add(pool[next++]);
                ks[r] = R(contexts[r] * w);
                vs[r] = R(contexts[r] * w);
                for (int p = 0; p < contexts[r]; p++)
                    for (int h = 0; h < kvh; h++)
                    {
                        long slot = (((long)table[offsets[r] + p / IterationBatch.BlockTokens] * kvh + h) * IterationBatch.BlockTokens + p % IterationBatch.BlockTokens) * d;
                        for (int e = 0; e < d; e++)
                        {
                            kHost[slot + e] = Bf16.FromFloat(ks[r][p * w + h * d + e]);
                            vHost[slot + e] = Bf16.FromFloat(vs[r][p * w + h * d + e]);
                        }
                    }
            }
            return (Up(kHost), Up(vHost), [.. table], offsets, ks, vs);
        }

        private AttentionArgs Args(int d, int qh, int kvh) => new()
        {
            QueryHeads = qh, KvHeads = kvh, HeadDim = d, ScaleLog2 = (float)(1.0 / Math.Sqrt(d) / Math.Log(2.0)),
        };

        /// <summary>One layer's attention over a batch of prefill slices and decode rows, as the backend runs it: the plan's tiles in
        /// one launch (decode rows split by position), then the decode rows' combine.</summary>
        public KernelCheckRow Attention(int d, int qh, int kvh, (int Start, int Rows)[] slices, int[] decodeContexts, int splitTokens)
        {
            var contexts = slices.Select(s => s.Start + s.Rows).Concat(decodeContexts).ToArray();
            var (keys, values, table, offsets, ks, vs) = Cache(kvh, d, contexts);
            using var _k = keys; using var _v = values;
            int total = slices.Sum(s => s.Rows) + decodeContexts.Length, qWidth = qh * d, width = (qh + 2 * kvh) * d;
            var q = R(total * qWidth, 2);
            var segments = new List<BatchSegment>();
            var positions = new int[total];
            var rowOffsets = new int[total];
            int row = 0;
            for (int i = 0; i < contexts.Length; i++)
            {
                bool decode = i >= slices.Length;
                int start = decode ? contexts[i] - 1 : slices[i].Start, n = decode ? 1 : slices[i].Rows;
                segments.Add(new BatchSegment(i, row, n, new LayerRange(0, 1), start, false, false, true, IsDecode: decode));
                for (int r = 0; r < n; r++) { positions[row + r] = start + r; rowOffsets[row + r] = offsets[i]; }
                row += n;
            }
            var batch = new IterationBatch(total, new int[total], positions, rowOffsets, table, segments, [Enumerable.Range(0, total).ToArray()], [], []);
            var plan = LayerPlan.Build(batch, 1, splitTokens).Plans[0];
            using var tiles = Up(plan.Tiles);
            using var drows = Up(plan.DecodeRows.Length > 0 ? plan.DecodeRows : [0]);
            using var qb = Up(Pairs(q));
            using var tb = Up(table);
            using var output = PoisonedPairs((long)total * qWidth / 2);
            using var partial = PoisonedFloats((long)Math.Max(1, plan.SplitCount) * qh * AttentionKernel.PartialStride(d));
            var args = Args(d, qh, kvh);
            k.Attention(new KernelConfig(new Index2D(qh / 4, plan.TileCount), new Index2D(AttentionKernel.Threads, 1)), args, tiles.View,
                ((ArrayView<uint>)qb.View).Cast<U4>(), ((ArrayView<ushort>)keys.View).Cast<U4>(), ((ArrayView<ushort>)values.View).Cast<U4>(), tb.View, output.View, partial.View);
            if (plan.DecodeRowCount > 0) k.AttentionCombine(S, plan.DecodeRowCount * qWidth, args, drows.View, partial.View, ((ArrayView<uint>)output.View).Cast<ushort>());
            _a.Synchronize();
            var got = Unpair(output.GetAsArray1D());
            var want = new double[total * qWidth];
            row = 0;
            for (int i = 0; i < contexts.Length; i++)
            {
                int n = segments[i].RowCount;
                var qkv = new float[n * width];
                for (int r = 0; r < n; r++) Array.Copy(q, (row + r) * qWidth, qkv, r * width, qWidth);
                var o = Float64Reference.Attention(qkv, n, positions.AsSpan(row, n).ToArray(), ks[i], vs[i], qh, kvh, d);
                Array.Copy(o, 0, want, row * qWidth, o.Length);
                row += n;
            }
            return Row($"attention, tensor cores (head dim {d}, {qh}/{kvh} heads; prefill {string.Join(" ", slices.Select(s => $"{s.Start}+{s.Rows}"))}; " +
                $"decode contexts {string.Join(" ", decodeContexts)}, splits of {splitTokens})", got, want, Bf16Bound);
        }
    }
}

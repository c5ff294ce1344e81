namespace LayeredPrefill.Kernels.Verification;

/// <summary>One kernel's comparison with its float64 reference.</summary>
/// <param name="Error">Max |got − ref| / max |ref| (normwise relative error); NaN when an output was left unwritten.</param>
public sealed record KernelCheckRow(string Kernel, double Error, double Bound)
{
    /// <summary>True when within the bound (NaN fails).</summary>
    public bool Passed => Error <= Bound;
}

/// <summary>Each kernel against float64 on fresh random inputs. Bounds are for fp32 storage and fp32 accumulation.</summary>
public static class KernelChecks
{
    /// <summary>fp32 GEMM-like reductions over ≤ 512 terms: normwise error a few ulps × √K.</summary>
    public const double Fp32ReductionBound = 2e-5;
    /// <summary>fp32 elementwise with exp/sin/cos.</summary>
    public const double Fp32ElementwiseBound = 1e-5;

    /// <summary>Runs every check with shapes sized for CI (hidden 64, 8 experts).</summary>
    public static IReadOnlyList<KernelCheckRow> Run(IKernelProbe probe, Random random)
    {
        var rows = new List<KernelCheckRow>();
        float[] R(int n, float scale = 1f) => Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();
        // Weight matrices are bf16-exact, as every engine stores them (simd packs them to bf16): the reference then multiplies by the same numbers.
        float[] W(int n, float scale = 1f) => R(n, scale).Select(Bf16.Round).ToArray();

        // GEMM: odd rows and columns so register blocks and panels have remainders.
        int t = 13, k = 70, n = 37;
        var a = R(t * k); var w = W(k * n);
        rows.Add(Row("gemm", probe.Gemm(a, t, w, k, n), Float64Reference.Gemm(a, t, w, k, n), Fp32ReductionBound));

        int h = 64;
        var x = R(t * h, 3f); var nw = R(h);
        rows.Add(Row("rmsnorm", probe.RmsNorm(x, t, nw), Float64Reference.RmsNorm(x, t, nw), Fp32ElementwiseBound));

        int qh = 4, kvh = 2, d = 16, width = (qh + 2 * kvh) * d;
        var qkv = R(t * width);
        var positions = Enumerable.Range(0, t).Select(_ => random.Next(0, 500)).ToArray();
        rows.Add(Row("rope", probe.Rope(qkv, t, width, qh + kvh, d, positions, new RopeTable(512, d)), Float64Reference.Rope(qkv, t, width, qh + kvh, d, positions), Fp32ElementwiseBound));

        int context = 45;
        var keys = R(context * kvh * d); var values = R(context * kvh * d);
        var qpos = Enumerable.Range(0, t).Select(i => context - t + i).ToArray();
        rows.Add(Row("attention", probe.Attention(qkv, t, qpos, keys, values, context, qh, kvh, d), Float64Reference.Attention(qkv, t, qpos, keys, values, qh, kvh, d), Fp32ReductionBound));

        int experts = 8, topK = 2;
        foreach (bool renorm in new[] { true, false })
        {
            var logits = R(t * experts, 2f);
            var (ids, tw) = probe.TopK(logits, t, experts, topK, renorm);
            var (refIds, refW) = Float64Reference.TopK(logits, t, experts, topK, renorm);
            double err = ids.SequenceEqual(refIds) ? Error(tw, refW) : double.PositiveInfinity;
            rows.Add(new KernelCheckRow(renorm ? "router-topk (renormalised)" : "router-topk (softmax then top-k)", err, Fp32ElementwiseBound));
        }

        int ffn = 24;
        var xn = R(t * h);
        var gateUp = Enumerable.Range(0, experts).Select(_ => W(h * 2 * ffn, 0.3f)).ToArray();
        var down = Enumerable.Range(0, experts).Select(_ => W(ffn * h, 0.3f)).ToArray();
        var routeIds = Enumerable.Range(0, t).SelectMany(_ => Enumerable.Range(0, experts).OrderBy(_ => random.Next()).Take(topK)).ToArray();
        var routeW = R(t * topK);
        rows.Add(Row("expert-ffn (sort, gate/up, SiLU·mul, down, combine)", probe.ExpertFfn(xn, t, routeIds, routeW, topK, gateUp, down, h, ffn),
            Float64Reference.ExpertFfn(xn, t, routeIds, routeW, topK, gateUp, down, h, ffn), Fp32ReductionBound));

        int vocab = 300;
        var lm = R(t * vocab);
        var got = probe.Argmax(lm, t, vocab);
        var want = Enumerable.Range(0, t).Select(i => Enumerable.Range(0, vocab).MaxBy(v => lm[i * vocab + v])).ToArray();
        rows.Add(new KernelCheckRow("lm-head argmax", got.SequenceEqual(want) ? 0 : double.PositiveInfinity, 0));
        return rows;
    }

    private static KernelCheckRow Row(string name, float[] got, double[] want, double bound) => new(name, Error(got, want), bound);

    /// <summary>Normwise relative error; NaN if any output is not finite (an unwritten, poisoned element).</summary>
    public static double Error(float[] got, double[] want)
    {
        if (got.Length != want.Length) return double.PositiveInfinity;
        double scale = want.Max(Math.Abs), err = 0;
        for (int i = 0; i < got.Length; i++)
        {
            if (!float.IsFinite(got[i])) return double.NaN;
            err = Math.Max(err, Math.Abs(got[i] - want[i]));
        }
        return scale == 0 ? err : err / scale;
    }
}

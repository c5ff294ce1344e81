using LayeredPrefill.Kernels.Simd;

namespace LayeredPrefill.Kernels.Verification;

/// <summary>Single simd kernels on host arrays.</summary>
public sealed class SimdProbe : IKernelProbe
{
    private static float[] Poisoned(int n) { var a = new float[n]; Array.Fill(a, float.NaN); return a; }

    public float[] Gemm(float[] a, int rows, float[] w, int k, int n)
    {
        var c = Poisoned(rows * n);
        PackedGemm.Run(a, rows, PackedMatrix.Pack(w, k, n), c);
        return c;
    }

    public float[] RmsNorm(float[] x, int rows, float[] weight)
    {
        var y = Poisoned(x.Length);
        SimdNorm.RmsNorm(x, rows, weight, y);
        return y;
    }

    public float[] Rope(float[] qkv, int rows, int width, int heads, int headDim, int[] positions, RopeTable table)
    {
        var y = (float[])qkv.Clone();
        SimdRope.Apply(y, rows, width, heads, headDim, positions, table);
        return y;
    }

    public float[] Attention(float[] qkv, int rows, int[] positions, float[] keys, float[] values, int contextTokens, int queryHeads, int kvHeads, int headDim)
    {
        int kvWidth = kvHeads * headDim, blocks = (contextTokens + IterationBatch.BlockTokens - 1) / IterationBatch.BlockTokens;
        var pool = new SimdKvPool(blocks, kvWidth);
        keys.AsSpan(0, contextTokens * kvWidth).CopyTo(pool.Keys);
        values.AsSpan(0, contextTokens * kvWidth).CopyTo(pool.Values);
        var batch = ProbeBatch.Of(rows, positions, blocks);
        var o = Poisoned(rows * queryHeads * headDim);
        SimdAttention.Run(qkv, rows, (queryHeads + 2 * kvHeads) * headDim, Enumerable.Range(0, rows).ToArray(), batch, pool, queryHeads, kvHeads, headDim, o);
        return o;
    }

    public (int[] Ids, float[] Weights) TopK(float[] logits, int tokens, int experts, int topK, bool renormalize)
    {
        var r = SimdRouter.Route(logits, tokens, experts, topK, renormalize);
        return (r.Experts, r.Weights);
    }

    public float[] ExpertFfn(float[] xn, int tokens, int[] ids, float[] weights, int topK, float[][] gateUp, float[][] down, int hidden, int ffn)
    {
        var routing = SimdRouter.Sort(ids, weights, tokens, topK, gateUp.Length);
        var packed = gateUp.Select((g, e) => new PackedExpert(PackedMatrix.Pack(g, hidden, 2 * ffn), PackedMatrix.Pack(down[e], ffn, hidden))).ToList();
        var xs = SimdExperts.Gather(xn, routing, hidden);
        var ys = Poisoned(xs.Length);
        SimdExperts.Ffn(xs, routing.Offsets, packed, hidden, ffn, ys);
        var y = new float[tokens * hidden];
        SimdExperts.CombineInto(y, ys, routing, hidden);
        return y;
    }

    public int[] Argmax(float[] logits, int rows, int vocab) => SimdLmHead.Argmax(logits, rows, vocab);

    public void Dispose() { }
}

/// <summary>A batch of one request whose KV occupies blocks 0..n in order.</summary>
internal static class ProbeBatch
{
    public static IterationBatch Of(int rows, int[] positions, int blocks) =>
        new(rows, new int[rows], positions, new int[rows], Enumerable.Range(0, Math.Max(1, blocks)).ToArray(), [], [], [], []);
}

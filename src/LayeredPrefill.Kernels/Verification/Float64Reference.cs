namespace LayeredPrefill.Kernels.Verification;

/// <summary>Float64 references for every kernel family.</summary>
public static class Float64Reference
{
    public static double[] Gemm(float[] a, int rows, float[] w, int k, int n)
    {
        var c = new double[rows * n];
        for (int t = 0; t < rows; t++)
            for (int kk = 0; kk < k; kk++)
            {
                double x = a[t * k + kk];
                for (int j = 0; j < n; j++) c[t * n + j] += x * w[kk * n + j];
            }
        return c;
    }

    public static double[] RmsNorm(float[] x, int rows, float[] weight)
    {
        int h = weight.Length;
        var y = new double[rows * h];
        for (int t = 0; t < rows; t++)
        {
            double ss = 0;
            for (int i = 0; i < h; i++) ss += (double)x[t * h + i] * x[t * h + i];
            double inv = 1 / Math.Sqrt(ss / h + KernelConstants.NormEpsilon);
            for (int i = 0; i < h; i++) y[t * h + i] = x[t * h + i] * inv * weight[i];
        }
        return y;
    }

    public static double[] Rope(float[] qkv, int rows, int width, int heads, int headDim, int[] positions)
    {
        var y = qkv.Select(v => (double)v).ToArray();
        int half = headDim / 2;
        for (int t = 0; t < rows; t++)
            for (int h = 0; h < heads; h++)
                for (int i = 0; i < half; i++)
                {
                    double angle = positions[t] * Math.Pow(RopeTable.Theta, -2.0 * i / headDim);
                    int b = t * width + h * headDim;
                    double a = qkv[b + i], c = qkv[b + i + half];
                    y[b + i] = a * Math.Cos(angle) - c * Math.Sin(angle);
                    y[b + i + half] = c * Math.Cos(angle) + a * Math.Sin(angle);
                }
        return y;
    }

    public static double[] Attention(float[] qkv, int rows, int[] positions, float[] keys, float[] values, int queryHeads, int kvHeads, int headDim)
    {
        int width = (queryHeads + 2 * kvHeads) * headDim, kvWidth = kvHeads * headDim, group = queryHeads / kvHeads;
        var o = new double[rows * queryHeads * headDim];
        for (int t = 0; t < rows; t++)
            for (int h = 0; h < queryHeads; h++)
            {
                int pos = positions[t], kvOff = h / group * headDim;
                var s = new double[pos + 1];
                for (int j = 0; j <= pos; j++)
                {
                    double dot = 0;
                    for (int d = 0; d < headDim; d++) dot += (double)qkv[t * width + h * headDim + d] * keys[j * kvWidth + kvOff + d];
                    s[j] = dot / Math.Sqrt(headDim);
                }
                double max = s.Max(), sum = s.Sum(v => Math.Exp(v - max));
                for (int d = 0; d < headDim; d++)
                {
                    double acc = 0;
                    for (int j = 0; j <= pos; j++) acc += Math.Exp(s[j] - max) / sum * values[j * kvWidth + kvOff + d];
                    o[(t * queryHeads + h) * headDim + d] = acc;
                }
            }
        return o;
    }

    public static (int[] Ids, double[] Weights) TopK(float[] logits, int tokens, int experts, int topK, bool renormalize)
    {
        var ids = new int[tokens * topK];
        var w = new double[tokens * topK];
        for (int t = 0; t < tokens; t++)
        {
            var row = Enumerable.Range(0, experts).Select(e => (double)logits[t * experts + e]).ToArray();
            var order = Enumerable.Range(0, experts).OrderByDescending(e => row[e]).ThenBy(e => e).Take(topK).ToArray();
            double max = row[order[0]];
            double denom = renormalize ? order.Sum(e => Math.Exp(row[e] - max)) : row.Sum(v => Math.Exp(v - max));
            for (int r = 0; r < topK; r++) { ids[t * topK + r] = order[r]; w[t * topK + r] = Math.Exp(row[order[r]] - max) / denom; }
        }
        return (ids, w);
    }

    public static double[] ExpertFfn(float[] xn, int tokens, int[] ids, float[] weights, int topK, float[][] gateUp, float[][] down, int hidden, int ffn)
    {
        var y = new double[tokens * hidden];
        for (int t = 0; t < tokens; t++)
            for (int r = 0; r < topK; r++)
            {
                int e = ids[t * topK + r];
                var act = new double[ffn];
                for (int j = 0; j < ffn; j++)
                {
                    double g = 0, u = 0;
                    for (int i = 0; i < hidden; i++) { g += (double)xn[t * hidden + i] * gateUp[e][i * 2 * ffn + j]; u += (double)xn[t * hidden + i] * gateUp[e][i * 2 * ffn + ffn + j]; }
                    act[j] = g / (1 + Math.Exp(-g)) * u;
                }
                for (int i = 0; i < hidden; i++)
                {
                    double acc = 0;
                    for (int j = 0; j < ffn; j++) acc += act[j] * down[e][j * hidden + i];
                    y[t * hidden + i] += weights[t * topK + r] * acc;
                }
            }
        return y;
    }
}

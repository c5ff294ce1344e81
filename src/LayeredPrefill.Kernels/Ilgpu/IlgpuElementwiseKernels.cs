using ILGPU;
using ILGPU.Algorithms;

namespace LayeredPrefill.Kernels.Ilgpu;

/// <summary>Row copies, norms, RoPE, KV writes, SiLU·mul, combine, argmax and the NaN flag.</summary>
public static class IlgpuElementwiseKernels
{
    /// <summary>dst[i·w + c] = src[index[i]·w + c] (gather) over n·w elements.</summary>
    public static void GatherRows(Index1D i, ArrayView<float> src, ArrayView<int> index, ArrayView<float> dst, int width)
    {
        int row = i / width, c = i % width;
        dst[i] = src[(long)index[row] * width + c];
    }

    /// <summary>dst[index[i]·w + c] = src[i·w + c] (scatter).</summary>
    public static void ScatterRows(Index1D i, ArrayView<float> src, ArrayView<int> index, ArrayView<float> dst, int width)
    {
        int row = i / width, c = i % width;
        dst[(long)index[row] * width + c] = src[i];
    }

    /// <summary>Embeds the listed rows: hidden[row] = embedding[token[row]].</summary>
    public static void Embed(Index1D i, ArrayView<int> rows, ArrayView<int> tokens, ArrayView<float> embedding, ArrayView<float> hidden, int width)
    {
        int row = rows[i / width];
        long c = i % width;
        hidden[(long)row * width + c] = embedding[(long)tokens[row] * width + c];
    }

    /// <summary>One thread per row: y = x / rms(x) ⊙ w, sum of squares in element order.</summary>
    public static void RmsNorm(Index1D t, ArrayView<float> x, ArrayView<float> weight, ArrayView<float> y, int width)
    {
        long b = (long)(int)t * width;
        float ss = 0f;
        for (int i = 0; i < width; i++) ss += x[b + i] * x[b + i];
        float inv = 1f / XMath.Sqrt(ss / width + KernelConstants.NormEpsilon);
        for (int i = 0; i < width; i++) y[b + i] = x[b + i] * weight[i] * inv;
    }

    /// <summary>One thread per (row, head, pair): rotate-half RoPE with the host's cos/sin table.</summary>
    public static void Rope(Index1D i, ArrayView<float> qkv, ArrayView<int> rows, ArrayView<int> positions, ArrayView<float> cos, ArrayView<float> sin,
        int heads, int headDim, int width)
    {
        int half = headDim / 2;
        int t = i / (heads * half), rest = i % (heads * half), h = rest / half, j = rest % half;
        long p = (long)positions[rows[t]] * half + j;
        long b = (long)t * width + h * headDim;
        float a = qkv[b + j], c = qkv[b + j + half];
        qkv[b + j] = a * cos[p] - c * sin[p];
        qkv[b + j + half] = c * cos[p] + a * sin[p];
    }

    /// <summary>Writes row t's keys and values into its paged slot.</summary>
    public static void WriteKv(Index1D i, ArrayView<float> qkv, ArrayView<int> rows, ArrayView<int> positions, ArrayView<int> tableOffsets, ArrayView<int> blockTable,
        ArrayView<float> keys, ArrayView<float> values, int qWidth, int kvWidth, int width)
    {
        int t = i / kvWidth, c = i % kvWidth, r = rows[t], pos = positions[r];
        long slot = ((long)blockTable[tableOffsets[r] + pos / IterationBatch.BlockTokens] * IterationBatch.BlockTokens + pos % IterationBatch.BlockTokens) * kvWidth + c;
        keys[slot] = qkv[(long)t * width + qWidth + c];
        values[slot] = qkv[(long)t * width + qWidth + kvWidth + c];
    }

    /// <summary>x += y elementwise.</summary>
    public static void AddInPlace(Index1D i, ArrayView<float> x, ArrayView<float> y) => x[i] += y[i];

    /// <summary>act[r, j] = SiLU(gu[r, j]) · gu[r, F + j].</summary>
    public static void SiluMul(Index1D i, ArrayView<float> gu, ArrayView<float> act, int ffn)
    {
        long r = (int)i / ffn, j = (int)i % ffn;
        float g = gu[r * 2 * ffn + j];
        act[i] = g / (1f + XMath.Exp(-g)) * gu[r * 2 * ffn + ffn + j];
    }

    /// <summary>x[t, c] += Σ_r w[t, r]·ys[slot(t, r), c], ranks in order.</summary>
    public static void Combine(Index1D i, ArrayView<float> x, ArrayView<float> ys, ArrayView<float> weights, ArrayView<int> slotOf, int width, int topK)
    {
        int t = i / width, c = i % width;
        float acc = 0f;
        for (int r = 0; r < topK; r++) acc += weights[t * topK + r] * ys[(long)slotOf[t * topK + r] * width + c];
        x[i] += acc;
    }

    /// <summary>One thread per row: first index of the largest logit.</summary>
    public static void Argmax(Index1D t, ArrayView<float> logits, ArrayView<int> result, int vocab)
    {
        long b = (long)(int)t * vocab;
        int best = 0;
        for (int v = 1; v < vocab; v++) if (logits[b + v] > logits[b + best]) best = v;
        result[t] = best;
    }

    /// <summary>Sets flags[slot] when any element is NaN or infinite (benign race: every writer writes 1).</summary>
    public static void FlagNonFinite(Index1D i, ArrayView<float> x, ArrayView<int> flags, int slot)
    {
        float v = x[i];
        if (float.IsNaN(v) || float.IsInfinity(v)) flags[slot] = 1;
    }
}

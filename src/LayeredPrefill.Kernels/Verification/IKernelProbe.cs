namespace LayeredPrefill.Kernels.Verification;

/// <summary>Runs single kernels of one backend on host arrays, with every output poisoned (NaN) before the kernel runs.</summary>
public interface IKernelProbe : IDisposable
{
    /// <summary>C[rows, n] = A[rows, k]·W[k, n] (W row-major).</summary>
    float[] Gemm(float[] a, int rows, float[] w, int k, int n);
    /// <summary>RMSNorm of each row.</summary>
    float[] RmsNorm(float[] x, int rows, float[] weight);
    /// <summary>RoPE on the first <paramref name="heads"/> heads of each row, at the rows' positions.</summary>
    float[] Rope(float[] qkv, int rows, int width, int heads, int headDim, int[] positions, RopeTable table);
    /// <summary>Causal attention of one request: qkv rows at <paramref name="positions"/>, KV of positions [0, contextTokens) laid out contiguously in blocks 0..n.</summary>
    float[] Attention(float[] qkv, int rows, int[] positions, float[] keys, float[] values, int contextTokens, int queryHeads, int kvHeads, int headDim);
    /// <summary>Top-k expert ids and weights per token.</summary>
    (int[] Ids, float[] Weights) TopK(float[] logits, int tokens, int experts, int topK, bool renormalize);
    /// <summary>Σ_r w_r·FFN_{e_r}(xn) per token for a given routing (ids, weights per token), summed in rank order.</summary>
    float[] ExpertFfn(float[] xn, int tokens, int[] ids, float[] weights, int topK, float[][] gateUp, float[][] down, int hidden, int ffn);
    /// <summary>First index of the row maximum.</summary>
    int[] Argmax(float[] logits, int rows, int vocab);
}

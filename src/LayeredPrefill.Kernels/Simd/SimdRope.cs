namespace LayeredPrefill.Kernels.Simd;

/// <summary>Rotary embedding (rotate-half) applied in place to the q and k heads of fused QKV rows.</summary>
public static class SimdRope
{
    /// <summary>Rotates heads [0, qHeads + kvHeads) of each row by the row's absolute position.</summary>
    public static void Apply(Span<float> qkv, int rows, int width, int rotatedHeads, int headDim, ReadOnlySpan<int> positions, RopeTable table)
    {
        int half = headDim / 2;
        for (int t = 0; t < rows; t++)
        {
            int p = positions[t];
            var cos = table.Cos.AsSpan(p * half, half);
            var sin = table.Sin.AsSpan(p * half, half);
            for (int h = 0; h < rotatedHeads; h++)
            {
                var head = qkv.Slice(t * width + h * headDim, headDim);
                for (int i = 0; i < half; i++)
                {
                    float a = head[i], b = head[i + half];
                    head[i] = a * cos[i] - b * sin[i];
                    head[i + half] = b * cos[i] + a * sin[i];
                }
            }
        }
    }
}

using System.Numerics.Tensors;

namespace LayeredPrefill.Kernels.Simd;

/// <summary>RMSNorm over rows with TensorPrimitives; each row reduces on its own, so batching cannot change it.</summary>
public static class SimdNorm
{
    /// <summary>y[t] = x[t] / sqrt(mean(x[t]²) + eps) ⊙ weight.</summary>
    public static void RmsNorm(ReadOnlySpan<float> x, int rows, ReadOnlySpan<float> weight, Span<float> y)
    {
        int h = weight.Length;
        for (int t = 0; t < rows; t++)
        {
            var row = x.Slice(t * h, h);
            var dst = y.Slice(t * h, h);
            float inv = 1f / MathF.Sqrt(TensorPrimitives.SumOfSquares(row) / h + KernelConstants.NormEpsilon);
            TensorPrimitives.Multiply(row, weight, dst);
            TensorPrimitives.Multiply(dst, inv, dst);
        }
    }

    /// <summary>True when every element is finite.</summary>
    public static bool AllFinite(ReadOnlySpan<float> x) => x.Length == 0 || float.IsFinite(TensorPrimitives.MaxMagnitude(x));
}

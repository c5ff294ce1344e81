using LayeredPrefill.Kernels.Simd;
using LayeredPrefill.Kernels.Verification;
using Xunit;

namespace LayeredPrefill.Tests.Kernels.Simd;

public sealed class PackedGemmTests
{
    [Theory]
    [InlineData(600, 45)]   // K spans three K blocks, N has a partial panel
    [InlineData(257, 16)]
    public void RowsAreBitIdenticalAloneOrInAnyBatch_AndMatchFloat64(int k, int n)
    {
        var random = new Random(k * 31 + n);
        int rows = 53;
        var a = Enumerable.Range(0, rows * k).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var w = Enumerable.Range(0, k * n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var packed = PackedMatrix.Pack(w, k, n);
        var batch = Enumerable.Repeat(float.NaN, rows * n).ToArray();
        PackedGemm.Run(a, rows, packed, batch);
        Assert.True(KernelChecks.Error(batch, Float64Reference.Gemm(a, rows, w, k, n)) < 1e-5);
        int r = random.Next(rows);
        var single = new float[n];
        PackedGemm.Run(a.AsSpan(r * k, k).ToArray(), 1, packed, single);
        for (int j = 0; j < n; j++)
            Assert.Equal(BitConverter.SingleToInt32Bits(batch[r * n + j]), BitConverter.SingleToInt32Bits(single[j]));
    }
}

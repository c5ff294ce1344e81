using LayeredPrefill.Kernels;
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
        // bf16-exact weights: the packed matrix stores bf16, so the reference multiplies by the same numbers.
        var w = Enumerable.Range(0, k * n).Select(_ => Bf16.Round((float)(random.NextDouble() * 2 - 1))).ToArray();
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

    [Fact]
    public void Packing_rounds_to_the_nearest_bf16_and_drawing_packs_the_same_values()
    {
        var random = new Random(5);
        int k = 33, n = 21;
        var w = Enumerable.Range(0, k * n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var packed = PackedMatrix.Pack(w, k, n);
        var drawn = PackedMatrix.Draw(k, n, i => w[i]);
        Assert.Equal(packed.Data, drawn.Data);
        Assert.Equal(2L * PackedMatrix.PanelWidth * 2 * k, PackedMatrix.BytesFor(k, n)); // two panels of 16 columns, 2 bytes each
        for (int i = 0; i < w.Length; i++)
        {
            float r = Bf16.Round(w[i]);
            Assert.True(Math.Abs(r - w[i]) <= Math.Abs(w[i]) / 256, $"{w[i]} rounded to {r}");
            Assert.Equal(0u, BitConverter.SingleToUInt32Bits(r) & 0xFFFF);
        }
        Assert.True(float.IsNaN(Bf16.Round(float.NaN)));
    }
}

using LayeredPrefill.Kernels;
using LayeredPrefill.Kernels.Cuda;
using LayeredPrefill.Execution.Roofline;
using Xunit;

namespace LayeredPrefill.Tests.Kernels.Cuda;

/// <summary>The host-side pieces of the CUDA MoE path that run without a GPU.</summary>
public class CudaHostSideTests
{
    [Fact]
    public void Bf16RoundsToNearestEvenAndRoundTrips()
    {
        var rng = new Random(42);
        for (int i = 0; i < 2000; i++)
        {
            float v = (float)((rng.NextDouble() * 2 - 1) * Math.Pow(2, rng.Next(-20, 20)));
            ushort b = Bf16.FromFloat(v);
            float back = Bf16.ToFloat(b);
            // Nearest: no other bf16 neighbour is closer.
            float up = Bf16.ToFloat((ushort)(b + 1)), down = Bf16.ToFloat((ushort)(b - 1));
            Assert.True(Math.Abs(back - v) <= Math.Abs(up - v) && Math.Abs(back - v) <= Math.Abs(down - v), $"{v} -> {back}");
            Assert.Equal(b, Bf16.FromFloat(back));
        }
        Assert.True(float.IsNaN(Bf16.ToFloat(Bf16.FromFloat(float.NaN))));
        // A tie rounds to the even mantissa: 1 + 2^-8 lies halfway between 1 and 1 + 2^-7.
        Assert.Equal(1f, Bf16.ToFloat(Bf16.FromFloat(1f + 1f / 256)));
    }

    [Fact]
    public void MaxTilesBoundsTheTilesOfAnyRouting()
    {
        var rng = new Random(10);
        var shape = MoeShape.Qwen3;
        foreach (int tokens in new[] { 1, 3, 8, 64, 511, 4096 })
            for (int trial = 0; trial < 20; trial++)
            {
                var counts = new int[shape.Experts];
                int hot = rng.Next(shape.TopK, shape.Experts + 1);   // skewed: only `hot` experts are ever chosen
                for (int t = 0; t < tokens; t++)
                    foreach (int e in Enumerable.Range(0, hot).OrderBy(_ => rng.Next()).Take(shape.TopK)) counts[e]++;
                int tiles = counts.Sum(c => (c + GroupedGemmKernel.TileRows - 1) / GroupedGemmKernel.TileRows);
                Assert.True(tiles <= shape.MaxTiles(tokens), $"T={tokens}: {tiles} > {shape.MaxTiles(tokens)}");
            }
    }

    [Fact]
    public void ShapesTheTileKernelsCannotRunAreUserErrors()
    {
        Assert.Same(MoeShape.Qwen3, MoeShape.Qwen3.Validate("test"));
        Assert.Throws<UserInputException>(() => new MoeShape(2000, 128, 768, 8).Validate("test"));
        Assert.Throws<UserInputException>(() => new MoeShape(2048, 96, 768, 8).Validate("test"));
        Assert.Throws<UserInputException>(() => new MoeShape(2048, 128, 700, 8).Validate("test"));
        Assert.Throws<UserInputException>(() => new MoeShape(2048, 64, 768, 65).Validate("test"));
    }

    [Fact]
    public void ReferenceMatchesAHandComputedTinyExpert()
    {
        var rng = new Random(11);
        var shape = new MoeShape(4, 2, 2, 1);
        uint[] Pairs(int n) => Enumerable.Range(0, n / 2).Select(_ => (uint)Bf16.FromFloat((float)rng.NextDouble() - 0.5f) | ((uint)Bf16.FromFloat((float)rng.NextDouble() - 0.5f) << 16)).ToArray();
        uint[] router = Pairs(2 * 4), gateUp = Pairs(2 * 4 * 4), down = Pairs(2 * 4 * 2), x = Pairs(4);
        var reference = new MoeReference(shape, router, gateUp, down);
        double El(uint[] p, int i) => Bf16.ToFloat((ushort)((i & 1) == 0 ? p[i >> 1] : p[i >> 1] >> 16));
        var xt = reference.Input(x, 0);
        for (int h = 0; h < 4; h++) Assert.Equal(El(x, h), xt[h]);
        var logits = reference.Logits(xt);
        for (int e = 0; e < 2; e++) Assert.Equal(Enumerable.Range(0, 4).Sum(h => xt[h] * El(router, e * 4 + h)), logits[e], 12);
        var y = reference.Output(xt, new[] { 1 }, new[] { 0.75 });
        for (int o = 0; o < 4; o++)
        {
            double sum = 0;
            for (int n = 0; n < 2; n++)
            {
                double gate = Enumerable.Range(0, 4).Sum(h => xt[h] * El(gateUp, 16 + n * 4 + h));
                double up = Enumerable.Range(0, 4).Sum(h => xt[h] * El(gateUp, 16 + (2 + n) * 4 + h));
                sum += gate / (1 + Math.Exp(-gate)) * up * El(down, 8 + o * 2 + n);
            }
            Assert.Equal(0.75 * sum, y[o], 12);
        }
    }

    [Fact]
    public void NvmlEnergyThatDidNotAdvanceIsUnknownNotZero()
    {
        Assert.Equal(1.5, NvmlEnergy.JoulesBetween(10_000, 11_500));
        Assert.True(double.IsNaN(NvmlEnergy.JoulesBetween(10_000, 10_000)));
        Assert.True(double.IsNaN(NvmlEnergy.JoulesBetween(10_000, 9_000)));
    }
}

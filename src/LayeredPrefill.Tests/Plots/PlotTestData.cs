using LayeredPrefill.Sweeps;

namespace LayeredPrefill.Tests.Plots;

/// <summary>Hand-made point results and PNG checks for the plot tests.</summary>
internal static class PlotTestData
{
    /// <summary>Fake results with random latencies for plot tests.</summary>
    public static IReadOnlyList<PointResult> Fake(Random random, IReadOnlyList<string> policies, IReadOnlyList<double> rates) =>
        rates.SelectMany(rate => policies.Select(policy => new PointResult(
            $"k-{policy}-{rate}", "qwen3-30b-a3b", "arxiv-long", policy, rate, 100, 100, 10000, 125,
            MeanTtftMs: random.Next(100, 3000), MedianTtftMs: random.Next(100, 3000), P90TtftMs: random.Next(3000, 6000), P99TtftMs: random.Next(6000, 9000),
            MeanTpotMs: 15, MeanItlMs: 15, P99ItlMs: random.Next(10, 60), MeanE2elMs: random.Next(1000, 9000), P99E2elMs: 12000,
            SloAttainment: random.NextDouble(), ExpertBytesPerToken: random.Next(1, 30) * 1e7, EnergyPerTokenJoules: random.NextDouble() / 10,
            EnergyPerOutputTokenJoules: random.NextDouble()))).ToArray();

    /// <summary>Width and height from a PNG's IHDR chunk.</summary>
    public static (int Width, int Height) PngSize(string path)
    {
        byte[] b = File.ReadAllBytes(path);
        Assert.True(b.Length > 33, $"{path} is too short for a PNG");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, b[..4]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(b, 12, 4));
        return ((b[16] << 24) | (b[17] << 16) | (b[18] << 8) | b[19], (b[20] << 24) | (b[21] << 16) | (b[22] << 8) | b[23]);
    }
}

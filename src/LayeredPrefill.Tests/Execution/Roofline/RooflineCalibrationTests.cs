using LayeredPrefill.Execution.Roofline;
using LayeredPrefill.Scheduling;
using Xunit;
using Xunit.Abstractions;

namespace LayeredPrefill.Tests.Execution.Roofline;

/// <summary>Holds the presets' fit to REFERENCE §4 peer timings, and prints the comparison tables (run with a detailed console logger to read them).</summary>
public class RooflineCalibrationTests(ITestOutputHelper output)
{
    private static readonly int[] Tokens = [1, 8, 32, 128, 512, 2048, 8192];
    private static readonly double[] TritonH100Micros = [42, 182, 368, 424, 477, 637, 1581];   // REFERENCE §4 (ranges: midpoints)
    private static readonly double[] TritonH200Micros = [38, 126, 271, 302, 343, 533, 1547];

    /// <summary>MoE (routed-expert) time of one Qwen3 layer for T tokens at TP 1, in µs.</summary>
    private static double MoeLayerMicros(string device, int tokens)
    {
        var executor = new RooflineExecutor(RooflineTestModels.Qwen3(), DeviceCatalog.Get(device), 1, UniformRouting.Instance, perLayerDetail: true);
        var plan = new IterationPlan(0, 48, [], [new PrefillEntry(0, 0, tokens, new LayerRange(0, 1), EmitsToken: false)], []);
        return executor.Execute(plan).Layers![0].MoeSeconds * 1e6;
    }

    [Theory]
    [InlineData("h100-sxm", 0.13)]
    [InlineData("h200", 0.27)]
    public void Moe_layer_time_stays_near_the_triton_peer(string device, double worstRelativeError)
    {
        var peer = device == "h100-sxm" ? TritonH100Micros : TritonH200Micros;
        output.WriteLine($"{device}: T, distinct experts, model µs, Triton µs, residual");
        for (int i = 0; i < Tokens.Length; i++)
        {
            double model = MoeLayerMicros(device, Tokens[i]);
            double residual = model / peer[i] - 1;
            output.WriteLine($"{Tokens[i],6} {UniformRouting.Expected(Tokens[i], 128, 8),7:F1} {model,8:F0} {peer[i],8:F0} {residual,7:P0}");
            Assert.True(Math.Abs(residual) <= worstRelativeError, $"{device} T={Tokens[i]}: model {model:F0} µs vs Triton {peer[i]} µs");
        }
        double ratio = 16 * MoeLayerMicros(device, 512) / MoeLayerMicros(device, 8192);
        output.WriteLine($"16×T=512 / T=8192: model {ratio:F2}, Triton {16 * peer[4] / peer[6]:F2}");
    }

    [Fact]
    public void Prints_the_tp2_8192_prompt_beside_the_paper_table()
    {
        var model = RooflineTestModels.Qwen3();
        (int Chunk, double Gb, double Ms)[] paper = [(512, 764.1, 311.95), (1024, 406.3, 184.88), (2048, 213.3, 112.28), (4096, 110.1, 84.57), (8192, 57.1, 75.68)];
        foreach (var (name, routing) in new (string, IExpertRouting)[] { ("uniform", UniformRouting.Instance), ("sampled s=2.15", new SampledRouting(1, 2.15)) })
        {
            output.WriteLine($"h100-sxm TP 2, {name}: chunk, expert GB (paper), MoE ms (paper), iteration ms");
            double previous = double.MaxValue;
            foreach (var row in paper)
            {
                var executor = new RooflineExecutor(model, DeviceCatalog.Get("h100-sxm"), 2, routing, perLayerDetail: true);
                double bytes = 0, moe = 0, total = 0;
                foreach (var plan in RooflineTestModels.Chunked(model, 8192, row.Chunk))
                {
                    var cost = executor.Execute(plan);
                    bytes += cost.Traffic.ExpertWeightBytes;
                    moe += cost.Layers!.Sum(l => l.MoeSeconds);
                    total += cost.DurationSeconds;
                }
                output.WriteLine($"{row.Chunk,6} {bytes / 1e9,7:F1} ({row.Gb,5:F1}) {moe * 1e3,7:F2} ({row.Ms,6:F2}) {total * 1e3,7:F2}");
                Assert.True(moe < previous, "bigger chunks must not cost more MoE time");
                previous = moe;
            }
        }
    }

    [Fact]
    public void Prints_distinct_experts_by_skew_beside_the_paper_loads()
    {
        int[] tokens = [512, 1024, 2048, 4096, 8192];
        // Paper TP-2 loads ÷ (chunks × 48 layers × 1.208 GB per layer) × 128 experts.
        output.WriteLine("paper:  105.4  112.2  117.8  121.6  126.1");
        foreach (double skew in new[] { 0.0, 1.0, 1.6, 2.0, 2.15, 2.5 })
        {
            var routing = new SampledRouting(11, skew);
            var means = tokens.Select(t => Enumerable.Range(0, 96).Average(i => routing.DistinctExperts(i % 48, t, 128, 8, i / 48))).ToArray();
            output.WriteLine($"s={skew,4:F2}: " + string.Join(" ", means.Select(m => $"{m,6:F1}")));
            for (int i = 1; i < means.Length; i++) Assert.True(means[i] >= means[i - 1] - 0.5, "more tokens must not hit fewer experts");
        }
    }
}

using LayeredPrefill.Execution.Roofline;
using LayeredPrefill.Models;

namespace LayeredPrefill.Tests.Serving;

/// <summary>Seeded random small MoE shapes (standard or latent attention, dense and shared layers, sliding windows) and TP degrees that fit them.</summary>
internal static class RandomModels
{
    private static readonly int[] PowersOfTwo = [1, 2, 4, 8, 16];

    public static MoeModel Draw(Random rng, int layers)
    {
        int queryHeads = PowersOfTwo[rng.Next(PowersOfTwo.Length)];
        int kvHeads = PowersOfTwo.Where(k => k <= queryHeads).ElementAt(rng.Next(PowersOfTwo.Count(k => k <= queryHeads)));
        int experts = rng.Next(1, 65);
        bool latent = rng.Next(4) == 0;
        int dense = layers > 1 && rng.Next(3) == 0 ? rng.Next(0, layers) : 0;
        int shared = rng.Next(3) == 0 ? rng.Next(1, 3) : 0;
        var model = new MoeModel($"random-{layers}L", layers,
            HiddenSize: 64 * rng.Next(1, 17),
            QueryHeads: queryHeads,
            KvHeads: latent ? queryHeads : kvHeads,
            HeadDim: PowersOfTwo[rng.Next(1, PowersOfTwo.Length)] * 8,
            Experts: experts,
            TopK: rng.Next(1, Math.Min(8, experts) + 1),
            ExpertFfnSize: 32 * rng.Next(1, 33),
            VocabSize: rng.Next(100, 50_000),
            WeightDtype: rng.Next(3) switch { 0 => WeightDtype.Fp32, 1 => WeightDtype.Fp8, _ => WeightDtype.Bf16 },
            RenormalizeTopK: rng.Next(2) == 0,
            SharedExperts: shared,
            SharedExpertFfnSize: shared > 0 ? 32 * rng.Next(1, 17) : 0,
            DenseLayers: dense,
            DenseFfnSize: dense > 0 ? 64 * rng.Next(1, 17) : 0,
            KvLoraRank: latent ? 16 * rng.Next(1, 9) : 0,
            RopeHeadDim: latent ? 16 * rng.Next(1, 5) : 0,
            ValueHeadDim: latent ? 16 * rng.Next(1, 9) : 0,
            SlidingWindowTokens: !latent && rng.Next(4) == 0 ? rng.Next(1, 200) : 0,
            MaxModelLengthTokens: 4096);
        return model.Validate("random model");
    }

    /// <summary>A TP degree dividing the model's query heads.</summary>
    public static int TensorParallel(Random rng, MoeModel model)
    {
        var valid = PowersOfTwo.Where(tp => model.QueryHeads % tp == 0).ToArray();
        return valid[rng.Next(valid.Length)];
    }

    public static DeviceProfile Device(Random rng) => DeviceCatalog.Get(DeviceCatalog.Names[rng.Next(DeviceCatalog.Names.Count)]);

    /// <summary>Mostly the uniform expectation; one case in ten samples every token's experts (slow: it draws token by token).</summary>
    public static IExpertRouting Routing(Random rng, int seed) =>
        rng.Next(10) != 0 ? new UniformRouting() : new SampledRouting(seed, rng.NextDouble() * 2);
}

using LayeredPrefill.Models;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Tests.Execution.Roofline;

/// <summary>Model shapes and plan builders for the roofline tests (REFERENCE §2), kept here so these tests don't wait on ModelCatalog.</summary>
internal static class RooflineTestModels
{
    public static MoeModel Qwen3() => new("Qwen3-30B-A3B", Layers: 48, HiddenSize: 2048, QueryHeads: 32, KvHeads: 4, HeadDim: 128,
        Experts: 128, TopK: 8, ExpertFfnSize: 768, VocabSize: 151_936);

    public static MoeModel GptOss() => new("GPT-OSS-20B", Layers: 24, HiddenSize: 2880, QueryHeads: 64, KvHeads: 8, HeadDim: 64,
        Experts: 32, TopK: 4, ExpertFfnSize: 2880, VocabSize: 201_088, SlidingWindowTokens: 128);

    /// <summary>A model small enough to price by hand.</summary>
    public static MoeModel Tiny() => new("tiny", Layers: 1, HiddenSize: 8, QueryHeads: 2, KvHeads: 2, HeadDim: 4,
        Experts: 4, TopK: 2, ExpertFfnSize: 8, VocabSize: 16);

    public static IterationPlan Decodes(int index, MoeModel model, params int[] contexts) =>
        new(index, model.Layers, contexts.Select((c, i) => new DecodeEntry(i, c)).ToList(), [], []);

    /// <summary>One prompt cut into chunks of <paramref name="chunk"/> tokens, each through every layer.</summary>
    public static IEnumerable<IterationPlan> Chunked(MoeModel model, int promptTokens, int chunk)
    {
        int index = 0;
        for (int start = 0; start < promptTokens; start += chunk)
        {
            int n = Math.Min(chunk, promptTokens - start);
            yield return new IterationPlan(index++, model.Layers, [],
                [new PrefillEntry(0, start, n, LayerRange.All(model.Layers), EmitsToken: start + n == promptTokens)], []);
        }
    }

    /// <summary>One prompt in one pass, one group of contiguous layers per iteration.</summary>
    public static IEnumerable<IterationPlan> Layered(MoeModel model, int promptTokens, int groups)
    {
        for (int g = 0; g < groups; g++)
        {
            var range = new LayerRange(g * model.Layers / groups, (g + 1) * model.Layers / groups);
            yield return new IterationPlan(g, model.Layers, [], [new PrefillEntry(0, 0, promptTokens, range, EmitsToken: g == groups - 1)], []);
        }
    }
}

namespace LayeredPrefill.Models;

/// <summary>Named model presets (the paper's models, two other MoE shapes, two small ones for real kernels) and the adaptive layer-group ladder.</summary>
public static class ModelCatalog
{
    /// <summary>The paper's max model length; prompts longer than this were rejected.</summary>
    public const int PaperMaxModelLengthTokens = 32768;

    // Shapes are the Hugging Face config.json values; REFERENCE.md §2 lists the derived byte counts the tests check.
    private static readonly MoeModel[] Presets =
    [
        new("qwen3-30b-a3b", Layers: 48, HiddenSize: 2048, QueryHeads: 32, KvHeads: 4, HeadDim: 128,
            Experts: 128, TopK: 8, ExpertFfnSize: 768, VocabSize: 151936,
            RenormalizeTopK: true, MaxModelLengthTokens: PaperMaxModelLengthTokens),
        // The checkpoint stores experts in MXFP4; the authors dequantise to bf16, so bf16 is what gets streamed.
        new("gpt-oss-20b", Layers: 24, HiddenSize: 2880, QueryHeads: 64, KvHeads: 8, HeadDim: 64,
            Experts: 32, TopK: 4, ExpertFfnSize: 2880, VocabSize: 201088,
            RenormalizeTopK: true, SlidingWindowTokens: 128, SwigluClampLimit: 7.0,
            MaxModelLengthTokens: PaperMaxModelLengthTokens),
        // Mixtral softmaxes over the chosen top-2 logits, which equals renormalising the top-k weights.
        new("mixtral-8x7b", Layers: 32, HiddenSize: 4096, QueryHeads: 32, KvHeads: 8, HeadDim: 128,
            Experts: 8, TopK: 2, ExpertFfnSize: 14336, VocabSize: 32000,
            RenormalizeTopK: true, MaxModelLengthTokens: PaperMaxModelLengthTokens),
        // MLA: HeadDim is qk_nope_head_dim; num_key_value_heads (16) only satisfies the MHA bookkeeping.
        new("deepseek-v2-lite", Layers: 27, HiddenSize: 2048, QueryHeads: 16, KvHeads: 16, HeadDim: 128,
            Experts: 64, TopK: 6, ExpertFfnSize: 1408, VocabSize: 102400,
            RenormalizeTopK: false, SharedExperts: 2, SharedExpertFfnSize: 1408,
            DenseLayers: 1, DenseFfnSize: 10944, KvLoraRank: 512, RopeHeadDim: 64, ValueHeadDim: 128,
            MaxModelLengthTokens: PaperMaxModelLengthTokens),
        new("tiny-moe", Layers: 4, HiddenSize: 256, QueryHeads: 8, KvHeads: 2, HeadDim: 32,
            Experts: 16, TopK: 2, ExpertFfnSize: 128, VocabSize: 512),
        new("small-moe", Layers: 8, HiddenSize: 1024, QueryHeads: 16, KvHeads: 4, HeadDim: 64,
            Experts: 64, TopK: 4, ExpertFfnSize: 512, VocabSize: 4096),
    ];

    // The Hugging Face ids of the presets that are published models, so a result's model_id matches vLLM's for the same model.
    private static readonly Dictionary<string, string> HubIds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["qwen3-30b-a3b"] = "Qwen/Qwen3-30B-A3B",
        ["gpt-oss-20b"] = "openai/gpt-oss-20b",
        ["mixtral-8x7b"] = "mistralai/Mixtral-8x7B-v0.1",
        ["deepseek-v2-lite"] = "deepseek-ai/DeepSeek-V2-Lite",
    };

    /// <summary>The Hugging Face id of a published preset (what vLLM writes as model_id), else the model's own name.</summary>
    public static string HubId(string modelName) => HubIds.TryGetValue(modelName, out string? id) ? id : modelName;

    /// <summary>Preset names, in catalog order.</summary>
    public static IReadOnlyList<string> Names { get; } = Presets.Select(m => m.Name).ToArray();

    /// <summary>All presets, in catalog order.</summary>
    public static IReadOnlyList<MoeModel> All { get; } = Presets;

    /// <summary>The preset called <paramref name="name"/> (case-insensitive); an unknown name is a user error listing the valid ones.</summary>
    /// <param name="where">The option or file field that named it, for the message.</param>
    public static MoeModel Get(string name, string where = "--model")
    {
        string key = (name ?? "").Trim();
        return Presets.FirstOrDefault(m => string.Equals(m.Name, key, StringComparison.OrdinalIgnoreCase))
            ?? throw new UserInputException($"{where}: unknown model '{name}' (valid: {string.Join(", ", Names)}; or pass a config.json path)");
    }

    /// <summary>The preset <paramref name="nameOrPath"/> names, else the Hugging Face config.json at that path.</summary>
    public static MoeModel GetOrReadConfig(string nameOrPath, string where = "--model")
    {
        string key = (nameOrPath ?? "").Trim();
        if (Names.Contains(key, StringComparer.OrdinalIgnoreCase)) return Get(key, where);
        if (File.Exists(key)) return HfConfigReader.ReadFile(key);
        return Get(key, where); // reports the valid names
    }

    /// <summary>
    /// Layer groups G for admitted prefill batches of ≤512, ≤1024, ≤2048, ≤4096 and more prompt tokens,
    /// as in the authors' engine: 1,2,4,8,16 for 48-layer Qwen3 and 1,2,4,6,12 for 24-layer GPT-OSS.
    /// </summary>
    /// <remarks>
    /// The ladder keeps prefill work per iteration near "512 tokens through all layers". The 24-layer rung set
    /// is picked by layer count, not by name, so a GPT-OSS read from its config.json gets it too; any other
    /// model takes 1,2,4,8,16 clamped to its layer count.
    /// </remarks>
    public static IReadOnlyList<int> AdaptiveGroupLadder(MoeModel m)
    {
        ArgumentNullException.ThrowIfNull(m);
        int[] ladder = m.Layers == 24 ? [1, 2, 4, 6, 12] : [1, 2, 4, 8, 16];
        return ladder.Select(g => Math.Min(g, m.Layers)).ToArray();
    }
}

using System.Text.Json;
using LayeredPrefill.IO;

namespace LayeredPrefill.Models;

/// <summary>Reads a Hugging Face config.json (qwen3_moe, qwen2_moe, mixtral, gpt_oss, deepseek_v2, deepseek_v3), or the model folder holding it, into a <see cref="MoeModel"/>.</summary>
/// <remarks>
/// Weights are priced in the config's torch_dtype (bf16 when absent); a checkpoint's quantization_config is ignored
/// (GPT-OSS's MXFP4: the paper's engine dequantises experts to bf16) except DeepSeek-V3's fp8, which vLLM serves as stored.
/// MaxModelLengthTokens is the caller's value, else max_position_embeddings, else 32768.
/// </remarks>
public static class HfConfigReader
{
    /// <summary>The model_type values this reader understands.</summary>
    public static IReadOnlyList<string> SupportedModelTypes { get; } = ["qwen3_moe", "qwen2_moe", "mixtral", "gpt_oss", "deepseek_v2", "deepseek_v3"];

    /// <summary>Reads the config file at <paramref name="path"/>; the model is called <paramref name="name"/>, else after the file.</summary>
    public static MoeModel ReadFile(string path, string? name = null, int? maxModelLengthTokens = null)
    {
        // A downloaded checkpoint is a folder: its config.json says the shape (and the folder names the model).
        if (Directory.Exists(path))
        {
            string inside = Path.Combine(path, "config.json");
            if (!File.Exists(inside)) throw new UserInputException($"{path}: cannot read the model config (a model folder must hold config.json; none found)");
            path = inside;
        }
        // Bounded: a 1.2 GB model.safetensors passed by mistake is refused by its size, not read.
        string json = BoundedFile.ReadAllText(path, ReadLimits.ModelConfig);
        return Parse(json, path, name ?? NameFromPath(path), maxModelLengthTokens);
    }

    /// <summary>Parses config.json text; <paramref name="source"/> names it in messages and, without <paramref name="name"/>, names the model.</summary>
    public static MoeModel Parse(string json, string source, string? name = null, int? maxModelLengthTokens = null)
    {
        using JsonDocument document = ParseDocument(json, source);
        JsonInput.RequireValidStrings(document.RootElement, source);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new UserInputException($"{source}: a model config must be a JSON object");
        var fields = new ConfigFields(document.RootElement, source);
        string modelType = fields.OptionalString("model_type")
            ?? throw fields.Error("model_type", $"is missing (supported: {string.Join(", ", SupportedModelTypes)})");
        if (!SupportedModelTypes.Contains(modelType))
            throw fields.Error("model_type", $"is '{Echo.Of(modelType)}', which is not supported (supported: {string.Join(", ", SupportedModelTypes)})");
        var common = Common(fields, name ?? NameFromPath(source), maxModelLengthTokens);
        MoeModel model = modelType switch
        {
            "qwen3_moe" => Qwen3Moe(fields, common),
            "qwen2_moe" => Qwen2Moe(fields, common),
            "mixtral" => Mixtral(fields, common),
            "gpt_oss" => GptOss(fields, common),
            "deepseek_v3" => DeepseekV3(fields, common),
            _ => DeepseekV2(fields, common),
        };
        return model.Validate(source);
    }

    private static JsonDocument ParseDocument(string json, string source)
    {
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            // JsonException counts lines and bytes from 0; editors count from 1.
            long line = (e.LineNumber ?? 0) + 1, column = (e.BytePositionInLine ?? 0) + 1;
            string why = e.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].Trim();
            // The parser quotes the offending token, which may span lines: keep the message on one.
            why = string.Join(' ', why.Split((char[])['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            throw new UserInputException($"{source}:{line}:{column}: malformed JSON: {why}");
        }
    }

    private static string NameFromPath(string path)
    {
        string stem = Path.GetFileNameWithoutExtension(path);
        // A downloaded checkpoint keeps config.json in a folder named after the model.
        string? folder = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path)));
        return stem.Equals("config", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(folder) ? folder : stem;
    }

    /// <summary>Fields every supported model type spells the same way.</summary>
    private static MoeModel Common(ConfigFields f, string name, int? maxModelLengthTokens)
    {
        int layers = f.RequiredPositiveInt("num_hidden_layers");
        int hidden = f.RequiredPositiveInt("hidden_size");
        int heads = f.RequiredPositiveInt("num_attention_heads");
        int kvHeads = f.OptionalPositiveInt("num_key_value_heads") ?? heads;
        if (heads % kvHeads != 0)
            throw f.Error("num_key_value_heads", $"({kvHeads}) must divide num_attention_heads ({heads})");
        int? headDim = f.OptionalPositiveInt("head_dim");
        if (headDim is null && hidden % heads != 0)
            throw f.Error("num_attention_heads", $"({heads}) must divide hidden_size ({hidden}) when head_dim is absent");
        string? dtypeText = f.OptionalString("torch_dtype") ?? f.OptionalString("dtype");
        WeightDtype dtype = dtypeText is null ? WeightDtype.Bf16
            : WeightDtypeExtensions.Parse(dtypeText, $"{f.Source}: field '{(f.Has("torch_dtype") ? "torch_dtype" : "dtype")}'");
        int maxLength = maxModelLengthTokens ?? f.OptionalPositiveInt("max_position_embeddings") ?? ModelCatalog.PaperMaxModelLengthTokens;
        return new MoeModel(name, layers, hidden, heads, kvHeads, headDim ?? hidden / heads,
            Experts: 1, TopK: 1, ExpertFfnSize: 1, VocabSize: f.RequiredPositiveInt("vocab_size"),
            WeightDtype: dtype, MaxModelLengthTokens: maxLength,
            TiedEmbeddings: f.OptionalBool("tie_word_embeddings") ?? false);
    }

    private static (int Experts, int TopK) Routing(ConfigFields f, string expertsField, string topKField = "num_experts_per_tok")
    {
        int experts = f.RequiredPositiveInt(expertsField);
        int topK = f.RequiredPositiveInt(topKField);
        if (topK > experts)
            throw f.Error(topKField, $"({topK}) must not exceed {expertsField} ({experts})");
        return (experts, topK);
    }

    private static MoeModel Qwen3Moe(ConfigFields f, MoeModel m)
    {
        // MoeModel puts dense layers first only; Qwen3's interleaving knobs must leave every layer MoE.
        if (f.OptionalArrayLength("mlp_only_layers") is > 0)
            throw f.Error("mlp_only_layers", "is not empty: dense layers among MoE layers are not supported");
        if (f.OptionalInt("decoder_sparse_step") is { } step && step != 1)
            throw f.Error("decoder_sparse_step", $"is {step}: only 1 (every layer MoE) is supported");
        if (f.OptionalBool("use_sliding_window") == true)
            throw f.Error("use_sliding_window", "is true: a sliding window on every layer is not supported");
        var (experts, topK) = Routing(f, "num_experts");
        return m with
        {
            Experts = experts, TopK = topK, ExpertFfnSize = f.RequiredPositiveInt("moe_intermediate_size"),
            RenormalizeTopK = f.OptionalBool("norm_topk_prob") ?? false,
        };
    }

    /// <summary>Qwen1.5/Qwen2 MoE: Qwen3's routed experts plus one gated shared expert of shared_expert_intermediate_size.</summary>
    private static MoeModel Qwen2Moe(ConfigFields f, MoeModel m)
    {
        var routed = Qwen3Moe(f, m);
        int shared = f.OptionalNonNegativeInt("shared_expert_intermediate_size") ?? 0;
        // The shared expert's sigmoid gate is one hidden-sized vector: too small to price.
        return routed with { SharedExperts = shared > 0 ? 1 : 0, SharedExpertFfnSize = shared };
    }

    /// <summary>DeepSeek-V3: V2's MLA and routed + shared experts, a low-rank query projection, and fp8 weights when the checkpoint stores them so.</summary>
    private static MoeModel DeepseekV3(ConfigFields f, MoeModel m)
    {
        int queryRank = f.RequiredPositiveInt("q_lora_rank");
        var v2 = DeepseekV2(f, m, allowQueryLora: true) with { QueryLoraRank = queryRank };
        return f.QuantMethod() == "fp8" ? v2 with { WeightDtype = WeightDtype.Fp8 } : v2;
    }

    private static MoeModel Mixtral(ConfigFields f, MoeModel m)
    {
        if (f.OptionalPositiveInt("sliding_window") is { } window && window < m.MaxModelLengthTokens)
            throw f.Error("sliding_window", $"is {window}: a sliding window on every layer is not supported (use null)");
        var (experts, topK) = Routing(f, "num_local_experts");
        // Mixtral's softmax over the chosen logits is the same as renormalising the top-k weights.
        return m with { Experts = experts, TopK = topK, ExpertFfnSize = f.RequiredPositiveInt("intermediate_size"), RenormalizeTopK = true };
    }

    private static MoeModel GptOss(ConfigFields f, MoeModel m)
    {
        // OpenAI's original config spells top-k experts_per_token; the transformers one has both.
        bool hasStandard = f.Has("num_experts_per_tok");
        var (experts, topK) = Routing(f, "num_local_experts", hasStandard ? "num_experts_per_tok" : "experts_per_token");
        if (hasStandard && f.OptionalPositiveInt("experts_per_token") is { } alias && alias != topK)
            throw f.Error("experts_per_token", $"({alias}) contradicts num_experts_per_tok ({topK})");
        int window = f.OptionalPositiveInt("sliding_window") ?? 128;
        if (f.OptionalStringArray("layer_types") is { } types)
        {
            if (types.Count != m.Layers)
                throw f.Error("layer_types", $"has {types.Count} entries but num_hidden_layers is {m.Layers}");
            for (int layer = 0; layer < types.Count; layer++)
            {
                string expected = layer % 2 == 0 ? "sliding_attention" : "full_attention";
                if (types[layer] != expected)
                    throw f.Error("layer_types", $"entry {layer} is '{types[layer]}' but only alternating sliding/full layers starting with sliding are supported (expected '{expected}')");
            }
        }
        double clamp = f.OptionalDouble("swiglu_limit") ?? 7.0;
        if (clamp < 0) throw f.Error("swiglu_limit", $"must be >= 0 (got {clamp})");
        return m with
        {
            Experts = experts, TopK = topK, ExpertFfnSize = f.RequiredPositiveInt("intermediate_size"),
            RenormalizeTopK = true, SlidingWindowTokens = window, SwigluClampLimit = clamp,
        };
    }

    private static MoeModel DeepseekV2(ConfigFields f, MoeModel m, bool allowQueryLora = false)
    {
        if (!allowQueryLora && f.Has("q_lora_rank"))
            throw f.Error("q_lora_rank", "is set: low-rank query projection is not supported (DeepSeek-V2-Lite has null)");
        if (f.OptionalInt("moe_layer_freq") is { } freq && freq != 1)
            throw f.Error("moe_layer_freq", $"is {freq}: only 1 (every layer after the dense ones is MoE) is supported");
        var (experts, topK) = Routing(f, "n_routed_experts");
        int moeFfn = f.RequiredPositiveInt("moe_intermediate_size");
        int shared = f.OptionalNonNegativeInt("n_shared_experts") ?? 0;
        int dense = f.OptionalNonNegativeInt("first_k_dense_replace") ?? 0;
        if (dense >= m.Layers)
            throw f.Error("first_k_dense_replace", $"({dense}) must be less than num_hidden_layers ({m.Layers})");
        int denseFfn = dense > 0 ? f.RequiredPositiveInt("intermediate_size") : 0;
        return m with
        {
            Experts = experts, TopK = topK, ExpertFfnSize = moeFfn,
            RenormalizeTopK = f.OptionalBool("norm_topk_prob") ?? false,
            SharedExperts = shared, SharedExpertFfnSize = shared > 0 ? moeFfn : 0,
            DenseLayers = dense, DenseFfnSize = denseFfn,
            KvLoraRank = f.RequiredPositiveInt("kv_lora_rank"),
            HeadDim = f.RequiredPositiveInt("qk_nope_head_dim"),
            RopeHeadDim = f.RequiredPositiveInt("qk_rope_head_dim"),
            ValueHeadDim = f.RequiredPositiveInt("v_head_dim"),
        };
    }
}

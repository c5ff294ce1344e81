namespace LayeredPrefill.Models;

/// <summary>The shape of a Mixture-of-Experts transformer, and the byte counts derived from it.</summary>
/// <remarks>
/// Standard attention uses <see cref="QueryHeads"/>/<see cref="KvHeads"/>/<see cref="HeadDim"/>.
/// Multi-head latent attention (DeepSeek) is on when <see cref="KvLoraRank"/> &gt; 0: then
/// <see cref="HeadDim"/> is the no-RoPE query/key head size, <see cref="RopeHeadDim"/> the RoPE part,
/// <see cref="ValueHeadDim"/> the value head size, and the cache holds one latent of
/// KvLoraRank + RopeHeadDim per token and layer; <see cref="QueryLoraRank"/> &gt; 0 projects queries through a low-rank
/// latent too (DeepSeek-V3).
/// </remarks>
public sealed record MoeModel(
    string Name,
    int Layers,
    int HiddenSize,
    int QueryHeads,
    int KvHeads,
    int HeadDim,
    int Experts,
    int TopK,
    int ExpertFfnSize,
    int VocabSize,
    WeightDtype WeightDtype = WeightDtype.Bf16,
    bool RenormalizeTopK = true,
    int SharedExperts = 0,
    int SharedExpertFfnSize = 0,
    int DenseLayers = 0,
    int DenseFfnSize = 0,
    int KvLoraRank = 0,
    int RopeHeadDim = 0,
    int ValueHeadDim = 0,
    int SlidingWindowTokens = 0,
    int MaxModelLengthTokens = 32768,
    double SwigluClampLimit = 0,
    bool TiedEmbeddings = false,
    int QueryLoraRank = 0)
{
    /// <summary>Weights above a petabyte are refused as a typo, not priced.</summary>
    public const double MaxWeightBytes = 1e15;

    /// <summary>Bytes per weight element.</summary>
    public int BytesPerWeight => WeightDtype.BytesPerElement();

    /// <summary>True when attention is multi-head latent attention.</summary>
    public bool UsesLatentAttention => KvLoraRank > 0;

    /// <summary>Layers whose FFN is a routed MoE (DeepSeek's first layers are dense).</summary>
    public int MoeLayers => Layers - DenseLayers;

    /// <summary>True when <paramref name="layer"/> (0-based) has a routed MoE FFN.</summary>
    public bool IsMoeLayer(int layer) => layer >= DenseLayers;

    /// <summary>True when <paramref name="layer"/> uses sliding-window attention (GPT-OSS alternates, starting with layer 0).</summary>
    public bool IsSlidingWindowLayer(int layer) => SlidingWindowTokens > 0 && layer % 2 == 0;

    /// <summary>Parameters of one SwiGLU expert: gate, up (hidden×ffn each) and down (ffn×hidden).</summary>
    public long ExpertParameters => 3L * HiddenSize * ExpertFfnSize;

    /// <summary>Bytes of one routed expert.</summary>
    public long ExpertBytes => ExpertParameters * BytesPerWeight;

    /// <summary>Bytes of all routed experts of one MoE layer.</summary>
    public long ExpertBytesPerLayer => ExpertBytes * Experts;

    /// <summary>Bytes of all routed experts of the whole model.</summary>
    public long ExpertBytesTotal => ExpertBytesPerLayer * MoeLayers;

    /// <summary>Attention projection parameters of one layer (Q, K, V, O or the MLA equivalents).</summary>
    public long AttentionParameters => UsesLatentAttention
        ? (QueryLoraRank > 0                                               // q_a_proj + q_b_proj (DeepSeek-V3), else q_proj
              ? (long)HiddenSize * QueryLoraRank + (long)QueryLoraRank * QueryHeads * (HeadDim + RopeHeadDim)
              : (long)HiddenSize * QueryHeads * (HeadDim + RopeHeadDim))
          + (long)HiddenSize * (KvLoraRank + RopeHeadDim)                  // kv_a_proj_with_mqa
          + (long)KvLoraRank * QueryHeads * (HeadDim + ValueHeadDim)       // kv_b_proj
          + (long)QueryHeads * ValueHeadDim * HiddenSize                   // o_proj
        : (long)HiddenSize * (QueryHeads + 2L * KvHeads) * HeadDim
          + (long)QueryHeads * HeadDim * HiddenSize;

    /// <summary>Router parameters of one MoE layer.</summary>
    public long RouterParameters => (long)HiddenSize * Experts;

    /// <summary>Shared-expert parameters of one MoE layer (DeepSeek).</summary>
    public long SharedExpertParameters => 3L * HiddenSize * SharedExpertFfnSize * SharedExperts;

    /// <summary>Dense FFN parameters of one dense layer.</summary>
    public long DenseFfnParameters => 3L * HiddenSize * DenseFfnSize;

    /// <summary>Bytes read once per layer per iteration whatever the batch: attention, norms, router, shared experts or dense FFN.</summary>
    public long DenseBytesPerLayer(int layer)
    {
        long parameters = AttentionParameters + 2L * HiddenSize;
        parameters += IsMoeLayer(layer) ? RouterParameters + SharedExpertParameters : DenseFfnParameters;
        return parameters * BytesPerWeight;
    }

    /// <summary>Embedding table bytes.</summary>
    public long EmbeddingBytes => (long)VocabSize * HiddenSize * BytesPerWeight;

    /// <summary>LM head bytes (read in any iteration where a token is emitted).</summary>
    public long LmHeadBytes => (long)VocabSize * HiddenSize * BytesPerWeight;

    /// <summary>All weight bytes of the model.</summary>
    public long TotalWeightBytes
    {
        get
        {
            long total = EmbeddingBytes + (TiedEmbeddings ? 0 : LmHeadBytes) + (long)HiddenSize * BytesPerWeight;
            for (int layer = 0; layer < Layers; layer++)
                total += DenseBytesPerLayer(layer) + (IsMoeLayer(layer) ? ExpertBytesPerLayer : 0);
            return total;
        }
    }

    /// <summary>KV-cache bytes one token occupies in one layer (cache kept in the weight dtype).</summary>
    public long KvBytesPerTokenPerLayer => UsesLatentAttention
        ? (long)(KvLoraRank + RopeHeadDim) * BytesPerWeight
        : 2L * KvHeads * HeadDim * BytesPerWeight;

    /// <summary>KV-cache bytes one token occupies over all layers.</summary>
    public long KvBytesPerToken => KvBytesPerTokenPerLayer * Layers;

    /// <summary>Tokens of context a query in <paramref name="layer"/> attends to, given the whole context.</summary>
    public long AttendedTokens(int layer, long contextTokens) =>
        IsSlidingWindowLayer(layer) ? Math.Min(contextTokens, SlidingWindowTokens) : contextTokens;

    /// <summary>Refuses impossible shapes with one line naming the field.</summary>
    public MoeModel Validate(string where)
    {
        void Require(bool ok, string what)
        {
            if (!ok) throw new UserInputException($"{where}: {what}");
        }
        Require(!string.IsNullOrWhiteSpace(Name), "model name is empty");
        Require(Layers > 0, $"layers must be > 0 (got {Layers})");
        Require(HiddenSize > 0, $"hidden size must be > 0 (got {HiddenSize})");
        Require(QueryHeads > 0, $"query heads must be > 0 (got {QueryHeads})");
        Require(KvHeads > 0, $"kv heads must be > 0 (got {KvHeads})");
        Require(QueryHeads % KvHeads == 0, $"query heads ({QueryHeads}) must be a multiple of kv heads ({KvHeads})");
        Require(HeadDim > 0, $"head dim must be > 0 (got {HeadDim})");
        Require(Experts > 0, $"experts must be > 0 (got {Experts})");
        Require(TopK > 0, $"top-k must be > 0 (got {TopK})");
        Require(TopK <= Experts, $"top-k ({TopK}) must not exceed the number of experts ({Experts})");
        Require(ExpertFfnSize > 0, $"expert FFN size must be > 0 (got {ExpertFfnSize})");
        Require(VocabSize > 0, $"vocab size must be > 0 (got {VocabSize})");
        Require(DenseLayers >= 0 && DenseLayers < Layers, $"dense layers ({DenseLayers}) must be in [0, layers)");
        Require(DenseLayers == 0 || DenseFfnSize > 0, "dense layers need a dense FFN size > 0");
        Require(SharedExperts >= 0 && (SharedExperts == 0 || SharedExpertFfnSize > 0), "shared experts need an FFN size > 0");
        Require(KvLoraRank >= 0 && RopeHeadDim >= 0 && ValueHeadDim >= 0 && QueryLoraRank >= 0, "MLA dimensions must be >= 0");
        Require(QueryLoraRank == 0 || UsesLatentAttention, "a low-rank query projection needs latent attention (kv_lora_rank)");
        Require(!UsesLatentAttention || ValueHeadDim > 0, "latent attention needs a value head dim > 0");
        Require(SlidingWindowTokens >= 0, $"sliding window must be >= 0 (got {SlidingWindowTokens})");
        Require(MaxModelLengthTokens > 0, $"max model length must be > 0 (got {MaxModelLengthTokens})");
        Require(double.IsFinite(SwigluClampLimit) && SwigluClampLimit >= 0, "SwiGLU clamp limit must be finite and >= 0");
        // Ceilings far above any real model: past them a typo (an extra digit) would make the per-layer sums loop for
        // seconds and the long byte counts wrap around to negative numbers instead of being refused.
        void AtMost(long value, long max, string what) => Require(value <= max, $"{what} must be <= {max} (got {value})");
        AtMost(Layers, 4096, "layers");
        AtMost(HiddenSize, 1 << 17, "hidden size");
        AtMost(QueryHeads, 4096, "query heads");
        AtMost(HeadDim, 1 << 14, "head dim");
        AtMost(Math.Max(Math.Max(KvLoraRank, QueryLoraRank), Math.Max(RopeHeadDim, ValueHeadDim)), 1 << 16, "MLA dimensions");
        AtMost(Experts, 1 << 16, "experts");
        AtMost(SharedExperts, 1024, "shared experts");
        AtMost(Math.Max(ExpertFfnSize, Math.Max(SharedExpertFfnSize, DenseFfnSize)), 1 << 20, "FFN sizes");
        AtMost(VocabSize, 1 << 24, "vocab size");
        double expertBytes = 3.0 * HiddenSize * ExpertFfnSize * BytesPerWeight * Experts * (Layers - DenseLayers);
        Require(expertBytes <= MaxWeightBytes, $"{expertBytes:E2} bytes of expert weights exceed any servable model ({MaxWeightBytes:E0}); a field is likely wrong");
        return this;
    }
}

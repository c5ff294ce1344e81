using LayeredPrefill.Models;

namespace LayeredPrefill.Execution.Roofline;

/// <summary>Per-GPU constants of one layer under tensor parallelism, computed once so the pricing loop only multiplies.</summary>
/// <remarks>
/// Megatron-style TP as vLLM runs it: query heads, expert FFN columns, shared/dense FFN columns and
/// the LM head's vocab are split over the GPUs; KV heads are split too, or replicated when there are
/// fewer KV heads than GPUs (and the MLA latent is always replicated); norms and the router are
/// replicated; hidden states are whole on every GPU after each all-reduce. All bytes are per GPU.
/// </remarks>
internal readonly record struct RooflineLayerShape(
    bool IsMoe,
    bool IsSlidingWindow,
    double QkvWeightBytes,
    double QkvActivationBytesPerToken,
    double QkvFlopsPerToken,
    double AttentionFlopsPerPair,
    double AttentionActivationBytesPerToken,
    double KvBytesPerToken,
    double OWeightBytes,
    double OActivationBytesPerToken,
    double OFlopsPerToken,
    double NormWeightBytes,
    double NormActivationBytesPerToken,
    double RouterWeightBytes,
    double RouterActivationBytesPerToken,
    double RouterFlopsPerToken,
    double ExpertActivationBytesPerToken,
    double ExpertFlopsPerToken,
    double FfnWeightBytes,
    double FfnActivationBytesPerToken,
    double FfnFlopsPerToken)
{
    /// <summary>The shape of <paramref name="layer"/> of <paramref name="model"/> on one of <paramref name="tp"/> GPUs.</summary>
    public static RooflineLayerShape Of(MoeModel model, int layer, int tp)
    {
        double b = model.BytesPerWeight;
        double h = model.HiddenSize;
        double heads = (double)model.QueryHeads / tp;
        double qkDim = model.UsesLatentAttention ? model.HeadDim + model.RopeHeadDim : model.HeadDim;
        double vDim = model.UsesLatentAttention ? model.ValueHeadDim : model.HeadDim;
        double kvHeads = model.KvHeads >= tp ? (double)model.KvHeads / tp : 1;

        double oParams = heads * vDim * h;
        double qkvParams = model.UsesLatentAttention
            ? (model.AttentionParameters - (double)model.QueryHeads * vDim * h) / tp   // MLA projections split evenly (close enough)
            : h * (heads + 2 * kvHeads) * model.HeadDim;
        double kvBytesPerToken = model.UsesLatentAttention
            ? model.KvBytesPerTokenPerLayer
            : 2 * kvHeads * model.HeadDim * b;

        bool moe = model.IsMoeLayer(layer);
        double ffnColumns = moe ? (double)model.SharedExpertFfnSize * model.SharedExperts / tp : (double)model.DenseFfnSize / tp;
        double ffnParams = 3 * h * ffnColumns;
        double e = model.Experts, k = model.TopK, f = model.ExpertFfnSize;

        return new RooflineLayerShape(
            IsMoe: moe,
            IsSlidingWindow: model.IsSlidingWindowLayer(layer),
            QkvWeightBytes: qkvParams * b,
            QkvActivationBytesPerToken: (h + qkvParams / h) * b,         // read hidden, write q|k|v
            QkvFlopsPerToken: 2 * qkvParams,
            AttentionFlopsPerPair: 2 * heads * (qkDim + vDim),            // QKᵀ and PV: 4·heads·headDim for standard attention
            AttentionActivationBytesPerToken: (qkvParams / h + heads * vDim) * b,
            KvBytesPerToken: kvBytesPerToken,
            OWeightBytes: oParams * b,
            OActivationBytesPerToken: (heads * vDim + h) * b,
            OFlopsPerToken: 2 * oParams,
            NormWeightBytes: 2 * h * b,                                   // two RMSNorms, replicated
            NormActivationBytesPerToken: 2 * 4 * h * b,                   // each fused add+norm: read x and residual, write both
            RouterWeightBytes: moe ? h * e * b : 0,
            RouterActivationBytesPerToken: moe ? h * b + e * 4 + k * 8 : 0, // fp32 logits, int32 ids + fp32 weights
            RouterFlopsPerToken: moe ? 2 * h * e : 0,
            // Fused MoE as vLLM runs it: gather the token per pick (k·H), gate|up out and in (2·k·2F),
            // SiLU·mul out and in (2·k·F), down out and weighted-sum in (2·k·H), sum out (H).
            ExpertActivationBytesPerToken: moe ? (3 * k * h + 6 * k * f / tp + h) * b : 0,
            ExpertFlopsPerToken: moe ? 2 * 3 * h * f * k / tp : 0,
            FfnWeightBytes: ffnParams * b,
            FfnActivationBytesPerToken: ffnParams > 0 ? (2 * h + 6 * ffnColumns) * b : 0,
            FfnFlopsPerToken: 2 * ffnParams);
    }
}

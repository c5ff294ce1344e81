using LayeredPrefill.Models;

namespace LayeredPrefill.Execution.Kernels;

/// <summary>One transformer layer's fp32 weights; matrices are row-major [input, output].</summary>
/// <param name="Qkv">[Hidden, (Q + 2·KV)·HeadDim]: columns are q heads, then k heads, then v heads.</param>
/// <param name="ExpertGateUp">Per expert [Hidden, 2·Ffn]: gate columns then up columns.</param>
/// <param name="ExpertDown">Per expert [Ffn, Hidden].</param>
public sealed record LayerWeights(
    float[] AttentionNorm,
    float[] Qkv,
    float[] OutputProjection,
    float[] FfnNorm,
    float[] Router,
    float[][] ExpertGateUp,
    float[][] ExpertDown);

/// <summary>A model's random fp32 weights, drawn from a seed so that every backend gets the same values.</summary>
public sealed class MoeWeights
{
    /// <summary>The shape these weights have.</summary>
    public MoeModel Model { get; }
    /// <summary>The seed they were drawn from.</summary>
    public long Seed { get; }
    /// <summary>[Vocab, Hidden].</summary>
    public float[] Embedding { get; }
    /// <summary>[Hidden].</summary>
    public float[] FinalNorm { get; }
    /// <summary>[Hidden, Vocab].</summary>
    public float[] LmHead { get; }
    /// <summary>Per layer.</summary>
    public IReadOnlyList<LayerWeights> Layers { get; }

    /// <summary>Width of the fused QKV output.</summary>
    public int QkvWidth => (Model.QueryHeads + 2 * Model.KvHeads) * Model.HeadDim;

    private MoeWeights(MoeModel model, long seed, float[] embedding, float[] finalNorm, float[] lmHead, IReadOnlyList<LayerWeights> layers)
    {
        Model = model; Seed = seed; Embedding = embedding; FinalNorm = finalNorm; LmHead = lmHead; Layers = layers;
    }

    /// <summary>Bytes the fp32 weights occupy (what a backend must hold).</summary>
    public static long Fp32Bytes(MoeModel model) => (model with { WeightDtype = WeightDtype.Fp32 }).TotalWeightBytes;

    /// <summary>Checks the shape is one this engine runs (standard attention, routed MoE on every layer).</summary>
    public static void RequireSupported(MoeModel model, string where)
    {
        model.Validate(where);
        if (model.UsesLatentAttention) throw new UserInputException($"{where}: model '{model.Name}' uses latent attention, which the kernel engine does not run");
        if (model.DenseLayers > 0 || model.SharedExperts > 0) throw new UserInputException($"{where}: model '{model.Name}' has dense layers or shared experts, which the kernel engine does not run");
        if (model.SlidingWindowTokens > 0) throw new UserInputException($"{where}: model '{model.Name}' uses sliding-window attention, which the kernel engine does not run");
        if (model.HeadDim % 2 != 0 || model.HeadDim > 256) throw new UserInputException($"{where}: head dim must be even and <= 256 (got {model.HeadDim})");
    }

    /// <summary>Draws all weights of <paramref name="model"/> from <paramref name="seed"/>.</summary>
    public static MoeWeights Create(MoeModel model, long seed)
    {
        RequireSupported(model, "kernel engine");
        int h = model.HiddenSize, f = model.ExpertFfnSize, qd = model.QueryHeads * model.HeadDim;
        int qkv = (model.QueryHeads + 2 * model.KvHeads) * model.HeadDim;
        long stream = 0;
        float[] Matrix(int rows, int cols)
        {
            var m = new float[(long)rows * cols];
            CounterRandom.Fill(m, seed, stream++, 1f / MathF.Sqrt(rows));
            return m;
        }
        float[] Norm(int n)
        {
            var m = new float[n];
            CounterRandom.Fill(m, seed, stream++, 0.1f, 1f);
            return m;
        }
        var embedding = new float[(long)model.VocabSize * h];
        CounterRandom.Fill(embedding, seed, stream++, 1f);
        var finalNorm = Norm(h);
        var lmHead = Matrix(h, model.VocabSize);
        var layers = new List<LayerWeights>(model.Layers);
        for (int l = 0; l < model.Layers; l++)
        {
            var attnNorm = Norm(h);
            var wqkv = Matrix(h, qkv);
            var wo = Matrix(qd, h);
            var ffnNorm = Norm(h);
            var router = Matrix(h, model.Experts);
            var gateUp = new float[model.Experts][];
            var down = new float[model.Experts][];
            for (int e = 0; e < model.Experts; e++)
            {
                gateUp[e] = Matrix(h, 2 * f);
                down[e] = Matrix(f, h);
            }
            layers.Add(new LayerWeights(attnNorm, wqkv, wo, ffnNorm, router, gateUp, down));
        }
        return new MoeWeights(model, seed, embedding, finalNorm, lmHead, layers);
    }
}

using LayeredPrefill.Models;

namespace LayeredPrefill.Kernels;

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

/// <summary>A model's random weights, drawn from a seed so that every backend gets the same values.</summary>
/// <remarks>Matrices hold bf16-exact values (each draw rounded to the nearest bf16) in fp32 arrays: the simd engine and the
/// GPU store them as bf16, so every backend and the float64 reference multiply by the very same numbers. Norms and the
/// embedding stay fp32.</remarks>
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
    public int QkvWidth => QkvWidthOf(Model);

    /// <summary>Width of the fused QKV output of <paramref name="model"/>: the query heads, then a key and a value per KV head.</summary>
    public static int QkvWidthOf(MoeModel model) => (model.QueryHeads + 2 * model.KvHeads) * model.HeadDim;

    private MoeWeights(MoeModel model, long seed, float[] embedding, float[] finalNorm, float[] lmHead, IReadOnlyList<LayerWeights> layers)
    {
        Model = model; Seed = seed; Embedding = embedding; FinalNorm = finalNorm; LmHead = lmHead; Layers = layers;
    }

    /// <summary>Row-major element <paramref name="index"/> of a [rows, ·] matrix drawn from <paramref name="stream"/>: the draw, rounded to bf16.</summary>
    public static float MatrixValue(long seed, long stream, int rows, long index) =>
        Bf16.Round(WeightStreams.MatrixScale(rows) * CounterRandom.Symmetric(seed, stream, index));

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
        int qkv = QkvWidthOf(model);
        float[] Matrix(long stream, int rows, int cols)
        {
            var m = new float[(long)rows * cols];
            Parallel.For(0, (m.Length + 65535) / 65536, c =>
            {
                int end = Math.Min(m.Length, (c + 1) * 65536);
                for (int i = c * 65536; i < end; i++) m[i] = MatrixValue(seed, stream, rows, i);
            });
            return m;
        }
        float[] Norm(long stream, int n)
        {
            var m = new float[n];
            CounterRandom.Fill(m, seed, stream, WeightStreams.NormScale, WeightStreams.NormOffset);
            return m;
        }
        var embedding = new float[(long)model.VocabSize * h];
        CounterRandom.Fill(embedding, seed, WeightStreams.Embedding, WeightStreams.EmbeddingScale);
        var finalNorm = Norm(WeightStreams.FinalNorm, h);
        var lmHead = Matrix(WeightStreams.LmHead, h, model.VocabSize);
        var layers = new List<LayerWeights>(model.Layers);
        for (int l = 0; l < model.Layers; l++)
        {
            var s = WeightStreams.Of(model, l);
            var gateUp = new float[model.Experts][];
            var down = new float[model.Experts][];
            for (int e = 0; e < model.Experts; e++)
            {
                gateUp[e] = Matrix(s.GateUp(e), h, 2 * f);
                down[e] = Matrix(s.Down(e), f, h);
            }
            layers.Add(new LayerWeights(Norm(s.AttentionNorm, h), Matrix(s.Qkv, h, qkv), Matrix(s.Output, qd, h), Norm(s.FfnNorm, h),
                Matrix(s.Router, h, model.Experts), gateUp, down));
        }
        return new MoeWeights(model, seed, embedding, finalNorm, lmHead, layers);
    }
}

/// <summary>
/// Which counter-hash stream each weight draws from, and the scales, for every engine: the CPU backends fill host arrays,
/// the CUDA backend fills device memory with the same draws (rounded to bf16), so both run the same model.
/// </summary>
public static class WeightStreams
{
    /// <summary>The embedding [vocab, hidden].</summary>
    public const long Embedding = 0;
    /// <summary>The final norm.</summary>
    public const long FinalNorm = 1;
    /// <summary>The LM head [hidden, vocab].</summary>
    public const long LmHead = 2;
    /// <summary>Embedding values are uniform in [-1, 1).</summary>
    public const float EmbeddingScale = 1f;
    /// <summary>Norm weights are 1 ± 0.1.</summary>
    public const float NormScale = 0.1f, NormOffset = 1f;

    /// <summary>A [rows, cols] matrix is uniform in ±1/√rows, which keeps activations near unit size.</summary>
    public static float MatrixScale(int rows) => 1f / MathF.Sqrt(rows);

    /// <summary>The streams of layer <paramref name="layer"/>.</summary>
    public static LayerStreams Of(MoeModel model, int layer) => new(3 + (long)layer * (5 + 2L * model.Experts));
}

/// <summary>The streams of one layer, from its first (<paramref name="First"/>).</summary>
public readonly record struct LayerStreams(long First)
{
    /// <summary>Attention norm.</summary>
    public long AttentionNorm => First;
    /// <summary>Fused QKV [hidden, (q + 2 kv)·head dim].</summary>
    public long Qkv => First + 1;
    /// <summary>Output projection [q·head dim, hidden].</summary>
    public long Output => First + 2;
    /// <summary>FFN norm.</summary>
    public long FfnNorm => First + 3;
    /// <summary>Router [hidden, experts].</summary>
    public long Router => First + 4;
    /// <summary>Expert <paramref name="e"/>'s gate+up [hidden, 2·ffn].</summary>
    public long GateUp(int e) => First + 5 + 2L * e;
    /// <summary>Expert <paramref name="e"/>'s down [ffn, hidden].</summary>
    public long Down(int e) => First + 6 + 2L * e;
}

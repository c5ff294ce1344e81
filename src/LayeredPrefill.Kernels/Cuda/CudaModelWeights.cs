using ILGPU;
using ILGPU.Runtime;
using LayeredPrefill.Models;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>One transformer layer's bf16 weights on the device: norms in f32, projections as the tile GEMM's B ([out, in] pairs).</summary>
public sealed class CudaLayerWeights(
    MemoryBuffer1D<float, Stride1D.Dense> attentionNorm,
    MemoryBuffer1D<uint, Stride1D.Dense> qkv,
    MemoryBuffer1D<uint, Stride1D.Dense> output,
    MemoryBuffer1D<float, Stride1D.Dense> ffnNorm,
    MoeLayerWeights moe) : IDisposable
{
    /// <summary>Attention RMSNorm weight [hidden].</summary>
    public MemoryBuffer1D<float, Stride1D.Dense> AttentionNorm { get; } = attentionNorm;
    /// <summary>Fused QKV [(q + 2 kv)·head dim, hidden].</summary>
    public MemoryBuffer1D<uint, Stride1D.Dense> Qkv { get; } = qkv;
    /// <summary>Output projection [hidden, q·head dim].</summary>
    public MemoryBuffer1D<uint, Stride1D.Dense> Output { get; } = output;
    /// <summary>FFN RMSNorm weight [hidden].</summary>
    public MemoryBuffer1D<float, Stride1D.Dense> FfnNorm { get; } = ffnNorm;
    /// <summary>Router and experts.</summary>
    public MoeLayerWeights Moe { get; } = moe;

    /// <inheritdoc/>
    public void Dispose()
    {
        AttentionNorm.Dispose(); Qkv.Dispose(); Output.Dispose(); FfnNorm.Dispose(); Moe.Dispose();
    }
}

/// <summary>
/// A model's weights in device memory as bf16 (norms f32), drawn on the device from the same counter-hash streams as the CPU
/// engine's <see cref="MoeWeights"/>, so the GPU runs the CPU engine's model rounded to bf16 and no host copy of a 60 GB model
/// is ever made. The LM head is padded with zero rows to a multiple of the tile GEMM's 128 columns.
/// </summary>
public sealed class CudaModelWeights : IDisposable
{
    /// <summary>The model.</summary>
    public MoeModel Model { get; }
    /// <summary>Embedding [vocab, hidden] pairs.</summary>
    public MemoryBuffer1D<uint, Stride1D.Dense> Embedding { get; }
    /// <summary>Final norm [hidden].</summary>
    public MemoryBuffer1D<float, Stride1D.Dense> FinalNorm { get; }
    /// <summary>LM head [padded vocab, hidden] pairs.</summary>
    public MemoryBuffer1D<uint, Stride1D.Dense> LmHead { get; }
    /// <summary>Vocab rounded up to the tile GEMM's column block.</summary>
    public int PaddedVocab { get; }
    /// <summary>Per layer.</summary>
    public IReadOnlyList<CudaLayerWeights> Layers { get; }

    /// <summary>Device bytes the weights of <paramref name="model"/> take (bf16 matrices, f32 norms, padded LM head).</summary>
    public static long Bytes(MoeModel model)
    {
        long h = model.HiddenSize, qkv = MoeWeights.QkvWidthOf(model), qd = (long)model.QueryHeads * model.HeadDim;
        long layer = 2 * h * 4 + 2 * (h * qkv + qd * h) + 2 * h * model.Experts + model.Experts * (long)model.ExpertParameters * 2;
        return model.Layers * layer + 2 * h * model.VocabSize + h * 4 + 2 * h * PadVocab(model.VocabSize);
    }

    private static int PadVocab(int vocab) => (vocab + GroupedGemmKernelV7.BlockCols - 1) / GroupedGemmKernelV7.BlockCols * GroupedGemmKernelV7.BlockCols;

    /// <summary>Allocates and fills every weight from <paramref name="seed"/> on the device.</summary>
    public CudaModelWeights(CudaModelKernels k, MoeModel model, MoeShape shape, long seed)
    {
        Model = model;
        var acc = k.Moe.Accelerator;
        var s = acc.DefaultStream;
        int h = model.HiddenSize, qkv = MoeWeights.QkvWidthOf(model), qd = model.QueryHeads * model.HeadDim, f = model.ExpertFfnSize;
        PaddedVocab = PadVocab(model.VocabSize);

        MemoryBuffer1D<uint, Stride1D.Dense> Matrix(long stream, int rowsIn, int cols, long extraRows = 0)
        {
            // [cols (outputs), rowsIn (inputs)] on the device = the CPU's [rowsIn, cols] transposed.
            var b = acc.Allocate1D<uint>((cols + extraRows) * rowsIn / 2);
            if (extraRows > 0) b.MemSetToZero();
            k.FillWeights(s, (int)((long)cols * rowsIn / 2), b.View, seed, stream, cols, rowsIn, WeightStreams.MatrixScale(rowsIn), 0f);
            return b;
        }
        MemoryBuffer1D<float, Stride1D.Dense> Norm(long stream)
        {
            var b = acc.Allocate1D<float>(h);
            k.FillFloats(s, h, b.View, seed, stream, WeightStreams.NormScale, WeightStreams.NormOffset);
            return b;
        }

        Embedding = acc.Allocate1D<uint>((long)model.VocabSize * h / 2);
        k.FillRowMajor(s, (int)Embedding.Length, Embedding.View, seed, WeightStreams.Embedding, WeightStreams.EmbeddingScale);
        FinalNorm = Norm(WeightStreams.FinalNorm);
        LmHead = Matrix(WeightStreams.LmHead, h, model.VocabSize, PaddedVocab - model.VocabSize);
        var layers = new List<CudaLayerWeights>(model.Layers);
        for (int l = 0; l < model.Layers; l++)
        {
            var st = WeightStreams.Of(model, l);
            var moe = MoeLayerWeights.Allocate(k.Moe, shape);
            k.FillWeights(s, (int)moe.Router.Length, moe.Router.View, seed, st.Router, model.Experts, h, WeightStreams.MatrixScale(h), 0f);
            long gateUpPairs = (long)2 * f * h / 2, downPairs = (long)h * f / 2;
            for (int e = 0; e < model.Experts; e++)
            {
                k.FillWeights(s, (int)gateUpPairs, moe.GateUp.View.SubView(e * gateUpPairs, gateUpPairs), seed, st.GateUp(e), 2 * f, h, WeightStreams.MatrixScale(h), 0f);
                k.FillWeights(s, (int)downPairs, moe.Down.View.SubView(e * downPairs, downPairs), seed, st.Down(e), h, f, WeightStreams.MatrixScale(f), 0f);
            }
            layers.Add(new CudaLayerWeights(Norm(st.AttentionNorm), Matrix(st.Qkv, h, qkv), Matrix(st.Output, qd, h), Norm(st.FfnNorm), moe));
        }
        Layers = layers;
        acc.Synchronize();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var l in Layers) l.Dispose();
        Embedding.Dispose(); FinalNorm.Dispose(); LmHead.Dispose();
    }
}

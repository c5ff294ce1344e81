using ILGPU;
using ILGPU.Runtime;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>The whole-model kernels (fills, embedding, norms, RoPE + KV write, attention, combine, argmax), compiled once per accelerator.</summary>
public sealed class CudaModelKernels
{
    /// <summary>The MoE kernels (tile GEMMs, routing, sort) of the same accelerator.</summary>
    public CudaMoeKernels Moe { get; }

    internal readonly Action<AcceleratorStream, Index1D, ArrayView<uint>, long, long, int, int, float, float> FillWeights;
    internal readonly Action<AcceleratorStream, Index1D, ArrayView<float>, long, long, float, float> FillFloats;
    internal readonly Action<AcceleratorStream, Index1D, ArrayView<uint>, long, long, float> FillRowMajor;
    internal readonly Action<AcceleratorStream, Index1D, ArrayView<int>, ArrayView<int>, ArrayView<uint>, ArrayView<float>, int> Embed;
    internal readonly Action<KernelConfig, ArrayView<float>, ArrayView<int>, int, ArrayView<float>, ArrayView<uint>, int> RmsNorm;
    internal readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>,
        ArrayView<ushort>, ArrayView<ushort>, ArrayView<ushort>, int, int, int> RopeWriteKv;
    internal readonly Action<AcceleratorStream, Index1D, ArrayView<uint>, int, int, ArrayView<int>, int, ArrayView<float>, ArrayView<int>, int> CombineAdd;
    internal readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int> GatherRows;
    internal readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int> ScatterRows;
    internal readonly Action<KernelConfig, ArrayView<float>, ArrayView<int>, int, int> Argmax;
    internal readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<int>, int> FlagNonFinite;
    internal readonly Action<AcceleratorStream, Index1D, ArrayView<int>, ArrayView<int>, int> DenseTiles;
    internal readonly Action<KernelConfig, AttentionArgs, ArrayView<int>, ArrayView<U4>, ArrayView<U4>, ArrayView<U4>, ArrayView<int>, ArrayView<uint>, ArrayView<float>> Attention;
    internal readonly Action<AcceleratorStream, Index1D, AttentionArgs, ArrayView<int>, ArrayView<float>, ArrayView<ushort>> AttentionCombine;

    /// <summary>Compiles every kernel for the accelerator of <paramref name="moe"/>.</summary>
    public CudaModelKernels(CudaMoeKernels moe)
    {
        Moe = moe;
        var a = moe.Accelerator;
        FillWeights = a.LoadAutoGroupedKernel<Index1D, ArrayView<uint>, long, long, int, int, float, float>(ModelKernels.FillWeights);
        FillFloats = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, long, long, float, float>(ModelKernels.FillFloats);
        FillRowMajor = a.LoadAutoGroupedKernel<Index1D, ArrayView<uint>, long, long, float>(ModelKernels.FillRowMajor);
        Embed = a.LoadAutoGroupedKernel<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<uint>, ArrayView<float>, int>(ModelKernels.Embed);
        RmsNorm = a.LoadStreamKernel<ArrayView<float>, ArrayView<int>, int, ArrayView<float>, ArrayView<uint>, int>(ModelKernels.RmsNorm);
        RopeWriteKv = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>,
            ArrayView<ushort>, ArrayView<ushort>, ArrayView<ushort>, int, int, int>(ModelKernels.RopeWriteKv);
        CombineAdd = a.LoadAutoGroupedKernel<Index1D, ArrayView<uint>, int, int, ArrayView<int>, int, ArrayView<float>, ArrayView<int>, int>(ModelKernels.CombineAdd);
        GatherRows = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int>(ModelKernels.GatherRows);
        ScatterRows = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int>(ModelKernels.ScatterRows);
        Argmax = a.LoadStreamKernel<ArrayView<float>, ArrayView<int>, int, int>(ModelKernels.Argmax);
        FlagNonFinite = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<int>, int>(ModelKernels.FlagNonFinite);
        DenseTiles = a.LoadAutoGroupedKernel<Index1D, ArrayView<int>, ArrayView<int>, int>(ModelKernels.DenseTiles);
        Attention = a.LoadStreamKernel<AttentionArgs, ArrayView<int>, ArrayView<U4>, ArrayView<U4>, ArrayView<U4>, ArrayView<int>, ArrayView<uint>, ArrayView<float>>(AttentionKernel.Kernel);
        AttentionCombine = a.LoadAutoGroupedKernel<Index1D, AttentionArgs, ArrayView<int>, ArrayView<float>, ArrayView<ushort>>(AttentionKernel.Combine);
    }
}

using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>The CUDA kernels of this folder, compiled once per accelerator.</summary>
public sealed class CudaMoeKernels
{
    /// <summary>The accelerator the kernels run on.</summary>
    public CudaAccelerator Accelerator { get; }

    internal readonly Action<KernelConfig, GemmArgs, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<uint>> Gemm;
    internal readonly Action<KernelConfig, GemmArgs, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<uint>, ArrayView<U4>, ArrayView<U4>> GemmV7;
    internal readonly Action<KernelConfig, ArrayView<float>, int, int, int, int, ArrayView<int>, ArrayView<float>> TopK;
    internal readonly Action<KernelConfig, ArrayView<int>, int, int, int, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>> Sort;
    internal readonly Action<AcceleratorStream, Index1D, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>> Scatter;
    internal readonly Action<AcceleratorStream, Index1D, ArrayView<uint>, int, int, ArrayView<float>> Combine;
    internal readonly Action<AcceleratorStream, Index1D, ArrayView<uint>, uint, float> FillUniform;
    internal readonly Action<AcceleratorStream, Index1D, ArrayView<float>, float> FillF32;

    /// <summary>Compiles (JIT through the driver) every kernel for <paramref name="accelerator"/>.</summary>
    public CudaMoeKernels(CudaAccelerator accelerator)
    {
        Accelerator = accelerator;
        Gemm = accelerator.LoadStreamKernel<GemmArgs, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<uint>>(GroupedGemmKernel.Kernel);
        GemmV7 = accelerator.LoadStreamKernel<GemmArgs, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<uint>, ArrayView<U4>, ArrayView<U4>>(GroupedGemmKernelV7.Kernel);
        TopK = accelerator.LoadStreamKernel<ArrayView<float>, int, int, int, int, ArrayView<int>, ArrayView<float>>(RoutingKernels.TopK);
        Sort = accelerator.LoadStreamKernel<ArrayView<int>, int, int, int, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>>(RoutingKernels.Sort);
        Scatter = accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>>(RoutingKernels.Scatter);
        Combine = accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<uint>, int, int, ArrayView<float>>(RoutingKernels.Combine);
        FillUniform = accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<uint>, uint, float>(RoutingKernels.FillUniform);
        FillF32 = accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, float>(RoutingKernels.FillF32);
    }
}

using System.Reflection;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>Compiles the CUDA kernels to PTX without a GPU, so the inline assembly can be read (and fed to ptxas -v on the device).</summary>
public static class PtxDump
{
    /// <summary>PTX text of every kernel of this folder for sm_90, keyed by kernel name.</summary>
    public static IReadOnlyDictionary<string, string> Compile()
    {
        using var context = Context.Create(b => b.Cuda().Optimize(OptimizationLevel.O2));
        using var backend = new PTXBackend(context, new CudaCapabilityContext(CudaArchitecture.SM_90),
            CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, null);
        var result = new Dictionary<string, string>();
        void Add(string name, Delegate kernel, bool explicitGroups)
        {
            var method = kernel.Method;
            var entry = explicitGroups
                ? EntryPointDescription.FromExplicitlyGroupedKernel(method)
                : EntryPointDescription.FromImplicitlyGroupedKernel(method);
            var compiled = (PTXCompiledKernel)backend.Compile(entry, default(KernelSpecialization));
            result[name] = compiled.PTXAssembly;
        }
        Add("grouped_gemm", (Action<GemmArgs, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<uint>>)GroupedGemmKernel.Kernel, true);
        Add("grouped_gemm_v7", (Action<GemmArgs, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<uint>, ArrayView<U4>, ArrayView<U4>>)GroupedGemmKernelV7.Kernel, true);
        Add("topk", (Action<ArrayView<float>, int, int, int, int, ArrayView<int>, ArrayView<float>>)RoutingKernels.TopK, true);
        Add("sort", (Action<ArrayView<int>, int, int, int, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>>)RoutingKernels.Sort, true);
        Add("scatter", (Action<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>>)RoutingKernels.Scatter, false);
        Add("combine", (Action<Index1D, ArrayView<uint>, int, int, ArrayView<float>>)RoutingKernels.Combine, false);
        Add("attention", (Action<AttentionArgs, ArrayView<int>, ArrayView<U4>, ArrayView<U4>, ArrayView<U4>, ArrayView<int>, ArrayView<uint>, ArrayView<float>>)AttentionKernel.Kernel, true);
        Add("attention_combine", (Action<Index1D, AttentionArgs, ArrayView<int>, ArrayView<float>, ArrayView<ushort>>)AttentionKernel.Combine, false);
        Add("rmsnorm", (Action<ArrayView<float>, ArrayView<int>, int, ArrayView<float>, ArrayView<uint>, int>)ModelKernels.RmsNorm, true);
        Add("rope_write_kv", (Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>,
            ArrayView<ushort>, ArrayView<ushort>, ArrayView<ushort>, int, int, int>)ModelKernels.RopeWriteKv, false);
        Add("argmax", (Action<ArrayView<float>, ArrayView<int>, int, int>)ModelKernels.Argmax, true);
        Add("combine_add", (Action<Index1D, ArrayView<uint>, int, int, ArrayView<int>, int, ArrayView<float>, ArrayView<int>, int>)ModelKernels.CombineAdd, false);
        Add("fill_weights", (Action<Index1D, ArrayView<uint>, long, long, int, int, float, float>)ModelKernels.FillWeights, false);
        return result;
    }
}

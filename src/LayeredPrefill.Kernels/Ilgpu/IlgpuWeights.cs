using ILGPU;
using ILGPU.Runtime;

namespace LayeredPrefill.Kernels.Ilgpu;

/// <summary>One layer's fp32 weights on the device; experts are concatenated [E, H, 2F] and [E, F, H].</summary>
internal sealed record IlgpuLayer(
    MemoryBuffer1D<float, Stride1D.Dense> AttentionNorm,
    MemoryBuffer1D<float, Stride1D.Dense> Qkv,
    MemoryBuffer1D<float, Stride1D.Dense> Output,
    MemoryBuffer1D<float, Stride1D.Dense> FfnNorm,
    MemoryBuffer1D<float, Stride1D.Dense> Router,
    MemoryBuffer1D<float, Stride1D.Dense> GateUp,
    MemoryBuffer1D<float, Stride1D.Dense> Down,
    MemoryBuffer1D<float, Stride1D.Dense> Keys,
    MemoryBuffer1D<float, Stride1D.Dense> Values) : IDisposable
{
    public static IlgpuLayer Upload(Accelerator acc, LayerWeights w, long kvFloats)
    {
        MemoryBuffer1D<float, Stride1D.Dense> Up(float[] data)
        {
            var b = acc.Allocate1D<float>(data.Length);
            b.View.CopyFromCPU(data);
            return b;
        }
        MemoryBuffer1D<float, Stride1D.Dense> Concat(float[][] parts)
        {
            long each = parts[0].Length;
            var b = acc.Allocate1D<float>(each * parts.Length);
            for (int e = 0; e < parts.Length; e++) b.View.SubView(e * each, each).CopyFromCPU(parts[e]);
            return b;
        }
        var keys = acc.Allocate1D<float>(kvFloats);
        var values = acc.Allocate1D<float>(kvFloats);
        keys.MemSetToZero();
        values.MemSetToZero();
        return new IlgpuLayer(Up(w.AttentionNorm), Up(w.Qkv), Up(w.OutputProjection), Up(w.FfnNorm), Up(w.Router),
            Concat(w.ExpertGateUp), Concat(w.ExpertDown), keys, values);
    }

    public void Dispose()
    {
        foreach (var b in new[] { AttentionNorm, Qkv, Output, FfnNorm, Router, GateUp, Down, Keys, Values }) b.Dispose();
    }
}

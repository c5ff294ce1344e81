using ILGPU;
using ILGPU.Runtime;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>One MoE layer's bf16 weights on the device: router [E, H], gate+up [E, 2I, H], down [E, H, I], as packed pairs.</summary>
public sealed class MoeLayerWeights : IDisposable
{
    /// <summary>Router weights.</summary>
    public MemoryBuffer1D<uint, Stride1D.Dense> Router { get; }
    /// <summary>Gate rows 0..I-1 then up rows I..2I-1 of each expert.</summary>
    public MemoryBuffer1D<uint, Stride1D.Dense> GateUp { get; }
    /// <summary>Down projection of each expert.</summary>
    public MemoryBuffer1D<uint, Stride1D.Dense> Down { get; }

    private MoeLayerWeights(CudaMoeKernels k, MoeShape shape)
    {
        var acc = k.Accelerator;
        Router = acc.Allocate1D<uint>((long)shape.Experts * shape.Hidden / 2);
        GateUp = acc.Allocate1D<uint>((long)shape.Experts * 2 * shape.Ffn * shape.Hidden / 2);
        Down = acc.Allocate1D<uint>((long)shape.Experts * shape.Hidden * shape.Ffn / 2);
    }

    /// <summary>Allocates without filling (the serving engine fills from the CPU engine's counter hash).</summary>
    public static MoeLayerWeights Allocate(CudaMoeKernels k, MoeShape shape) => new(k, shape);

    /// <summary>Allocates and fills with seeded uniform values (scale keeps activations near unit size).</summary>
    public MoeLayerWeights(CudaMoeKernels k, MoeShape shape, uint seed) : this(k, shape)
    {
        var acc = k.Accelerator;
        float inScale = 1.7f / MathF.Sqrt(shape.Hidden), downScale = 1.7f / MathF.Sqrt(shape.Ffn);
        k.FillUniform(acc.DefaultStream, (int)Router.Length, Router.View, seed * 3 + 1, inScale);
        k.FillUniform(acc.DefaultStream, (int)GateUp.Length, GateUp.View, seed * 3 + 2, inScale * 2f);
        k.FillUniform(acc.DefaultStream, (int)Down.Length, Down.View, seed * 3 + 3, downScale * 2f);
    }

    /// <summary>Device bytes held.</summary>
    public long Bytes => (Router.Length + GateUp.Length + Down.Length) * 4;

    /// <inheritdoc/>
    public void Dispose()
    {
        Router.Dispose();
        GateUp.Dispose();
        Down.Dispose();
    }
}

using ILGPU;
using ILGPU.Runtime.Cuda;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>An ILGPU context with the first CUDA GPU and the MoE kernels compiled for it.</summary>
public sealed class CudaSession : IDisposable
{
    /// <summary>The ILGPU context.</summary>
    public Context Context { get; }
    /// <summary>The GPU.</summary>
    public CudaAccelerator Accelerator { get; }
    /// <summary>The compiled kernels.</summary>
    public CudaMoeKernels Kernels { get; }

    private CudaSession(Context context, CudaAccelerator accelerator)
    {
        Context = context;
        Accelerator = accelerator;
        Kernels = new CudaMoeKernels(accelerator);
    }

    /// <summary>Opens GPU 0, or throws <see cref="UserInputException"/> when ILGPU finds no CUDA device.</summary>
    public static CudaSession Open()
    {
        var context = Context.Create(b => b.Cuda().Optimize(OptimizationLevel.O2));
        var devices = context.GetCudaDevices();
        if (devices.Count == 0)
        {
            context.Dispose();
            throw new UserInputException("--backend cuda: ILGPU found no CUDA device on this machine");
        }
        return new CudaSession(context, (CudaAccelerator)devices[0].CreateAccelerator(context));
    }

    /// <summary>One line: name, architecture, PTX ISA, driver, SMs, memory.</summary>
    public string Describe()
    {
        var a = Accelerator;
        return $"{a.Name}  arch {a.Architecture}  ISA {a.InstructionSet}  driver {a.DriverVersion}  SMs {a.NumMultiprocessors}  memory {a.MemorySize / (1L << 30)} GiB  L2 {a.L2CacheSize / (1 << 20)} MiB";
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Accelerator.Dispose();
        Context.Dispose();
    }
}

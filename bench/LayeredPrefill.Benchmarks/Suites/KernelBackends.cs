using LayeredPrefill.Kernels;

namespace LayeredPrefill.Benchmarks.Suites;

/// <summary>The kernel backends this machine can run (simd always; ILGPU CUDA/OpenCL where found).</summary>
public static class KernelBackends
{
    /// <summary>Set to 1 to include ILGPU's CPU accelerator.</summary>
    public const string IlgpuCpuVariable = "LAYERED_PREFILL_BENCH_ILGPU_CPU";

    /// <summary>
    /// Usable backend names, probed without allocating model memory. ILGPU's CPU accelerator runs GPU
    /// threads one by one (measured here: 64 s for one 128-token tiny-moe layer vs 67 ms on simd), so it
    /// is left out unless <see cref="IlgpuCpuVariable"/> asks for it.
    /// </summary>
    public static IEnumerable<string> Available()
    {
        bool ilgpuCpu = Environment.GetEnvironmentVariable(IlgpuCpuVariable) == "1";
        return BackendRegistry.Names.Where(name => (name != "ilgpu-cpu" || ilgpuCpu) && Usable(name));
    }

    private static bool Usable(string name)
    {
        try
        {
            return BackendRegistry.Probe(name).Usable;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false; // a driver that fails to load is a backend this machine does not have
        }
    }
}

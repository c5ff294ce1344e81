using LayeredPrefill.Kernels.Cuda;
using LayeredPrefill.Kernels.Verification;

namespace LayeredPrefill.Kernels;

/// <summary>The self-test of a backend by name (what `selftest --backend` runs).</summary>
public static class BackendSelfTest
{
    /// <summary>Runs <paramref name="backend"/>'s checks: the CUDA backend is a different engine (bf16 on tensor cores, weights
    /// drawn on the GPU) with its own; the host-weight backends share <see cref="SelfTest"/>.</summary>
    public static IReadOnlyList<SelfTestRow> Run(string backend, int seed)
    {
        BackendRegistry.RequireUsable(backend);
        return backend == BackendRegistry.Cuda ? CudaSelfTest.Run(seed) : SelfTest.Run(backend, seed);
    }
}

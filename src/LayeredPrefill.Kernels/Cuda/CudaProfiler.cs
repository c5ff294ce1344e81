using System.Runtime.InteropServices;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>cuProfilerStart/Stop, so Nsight Compute (--profile-from-start off) sees only the iterations of interest.</summary>
public static partial class CudaProfiler
{
    [LibraryImport("libcuda.so.1")]
    private static partial int cuProfilerStart();

    [LibraryImport("libcuda.so.1")]
    private static partial int cuProfilerStop();

    /// <summary>Starts collection; returns the driver's status (0 = ok).</summary>
    public static int Start() => cuProfilerStart();

    /// <summary>Stops collection; returns the driver's status (0 = ok).</summary>
    public static int Stop() => cuProfilerStop();
}

using System.Runtime.InteropServices;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>The board's energy counter through NVML (libnvidia-ml.so.1), in millijoules since the driver loaded.</summary>
public sealed unsafe class NvmlEnergy : IDisposable
{
    private readonly IntPtr _lib, _device;
    private readonly delegate* unmanaged<IntPtr, ulong*, int> _energy;
    private readonly delegate* unmanaged<int> _shutdown;

    private NvmlEnergy(IntPtr lib, IntPtr device)
    {
        _lib = lib;
        _device = device;
        _energy = (delegate* unmanaged<IntPtr, ulong*, int>)NativeLibrary.GetExport(lib, "nvmlDeviceGetTotalEnergyConsumption");
        _shutdown = (delegate* unmanaged<int>)NativeLibrary.GetExport(lib, "nvmlShutdown");
    }

    /// <summary>Opens GPU <paramref name="index"/>, or null (with the reason) when NVML is missing or refuses.</summary>
    public static NvmlEnergy? TryOpen(int index, out string reason)
    {
        reason = "";
        if (!NativeLibrary.TryLoad("libnvidia-ml.so.1", out var lib)) { reason = "libnvidia-ml.so.1 not found"; return null; }
        var init = (delegate* unmanaged<int>)NativeLibrary.GetExport(lib, "nvmlInit_v2");
        int rc = init();
        if (rc != 0) { reason = $"nvmlInit_v2 returned {rc}"; return null; }
        var byIndex = (delegate* unmanaged<uint, IntPtr*, int>)NativeLibrary.GetExport(lib, "nvmlDeviceGetHandleByIndex_v2");
        IntPtr device;
        rc = byIndex((uint)index, &device);
        if (rc != 0) { reason = $"nvmlDeviceGetHandleByIndex_v2 returned {rc}"; return null; }
        return new NvmlEnergy(lib, device);
    }

    /// <summary>Total energy in millijoules (NVML updates it every 20–100 ms).</summary>
    public ulong Millijoules()
    {
        ulong mj;
        int rc = _energy(_device, &mj);
        if (rc != 0) throw new InvalidOperationException($"nvmlDeviceGetTotalEnergyConsumption returned {rc}");
        return mj;
    }

    /// <summary>Joules between two <see cref="Millijoules"/> readings; NaN when the counter did not advance (the work was shorter
    /// than NVML's update period, so its energy is unknown, not zero).</summary>
    public static double JoulesBetween(ulong startMillijoules, ulong endMillijoules) =>
        endMillijoules > startMillijoules ? (endMillijoules - startMillijoules) / 1000.0 : double.NaN;

    /// <inheritdoc/>
    public void Dispose() => _shutdown();
}

using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace LayeredPrefill.Kernels.Ilgpu;

/// <summary>One ILGPU device as the devices verb reports it.</summary>
/// <param name="Reason">Why it cannot run our kernels (null when it can).</param>
public sealed record IlgpuDeviceInfo(string Backend, string Name, long MemoryBytes, string? Reason);

/// <summary>Finds ILGPU devices per backend and says why one is unusable.</summary>
public static class IlgpuDevices
{
    /// <summary>Creates a context that sees every device of one backend (also unsupported OpenCL ones, so we can say why).</summary>
    internal static Context CreateContext(string backend) => Context.Create(b =>
    {
        b.EnableAlgorithms();
        switch (backend)
        {
            // groups of 1-2 threads on one simulated multiprocessor: each simulated thread is an OS thread with
            // spinning barriers, and the 2-core CI machine gains nothing from more.
            case "ilgpu-cpu": b.CPU(new CPUDevice(2, 1, 1)); break;
            case "ilgpu-cuda": b.Cuda(); break;
            case "ilgpu-opencl": b.OpenCL(_ => true); break;
        }
    });

    /// <summary>The context's devices of the backend's accelerator type (a context may add a CPU device of its own).</summary>
    internal static IEnumerable<Device> DevicesOf(Context context, string backend) => context.Devices.Where(d => d.AcceleratorType == backend switch
    {
        "ilgpu-cpu" => AcceleratorType.CPU,
        "ilgpu-cuda" => AcceleratorType.Cuda,
        _ => AcceleratorType.OpenCL,
    });

    /// <summary>The first device of the backend that can run our kernels.</summary>
    internal static Device FirstUsable(Context context, string backend) =>
        DevicesOf(context, backend).First(d => d is not CLDevice cl || cl.Capabilities.GenericAddressSpace);

    /// <summary>Lists the devices of one ILGPU backend; never throws for a missing driver.</summary>
    public static IReadOnlyList<IlgpuDeviceInfo> List(string backend)
    {
        try
        {
            using var context = CreateContext(backend);
            var devices = new List<IlgpuDeviceInfo>();
            foreach (var d in DevicesOf(context, backend))
            {
                string? reason = d switch
                {
                    CLDevice cl when !cl.Capabilities.GenericAddressSpace =>
                        $"OpenCL {cl.CLStdVersion} device lacks generic address-space support, which ILGPU needs (e.g. Debian 12's PoCL 3.1)",
                    _ => null,
                };
                // The CPU accelerator reports an address-space size, not memory: use what the GC can still get.
                long memory = d.AcceleratorType == AcceleratorType.CPU ? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes : d.MemorySize;
                devices.Add(new IlgpuDeviceInfo(backend, d.Name, memory, reason));
            }
            if (devices.Count == 0)
                devices.Add(new IlgpuDeviceInfo(backend, "(none)", 0, backend == "ilgpu-cuda" ? "no CUDA driver or device found" : "no OpenCL platform or device found"));
            return devices;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return [new IlgpuDeviceInfo(backend, "(none)", 0, $"{e.GetType().Name}: {e.Message.Split('\n')[0]}")];
        }
    }

    /// <summary>The first usable device of a backend, or the reason there is none.</summary>
    public static BackendProbe Probe(string backend)
    {
        var devices = List(backend);
        var usable = devices.FirstOrDefault(d => d.Reason is null);
        return usable is not null
            ? new BackendProbe(backend, usable.Name, usable.MemoryBytes, null)
            : new BackendProbe(backend, devices[0].Name, 0, string.Join("; ", devices.Select(d => d.Reason)));
    }
}

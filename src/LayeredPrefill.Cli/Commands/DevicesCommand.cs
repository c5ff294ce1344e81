using System.CommandLine;
using System.Globalization;
using LayeredPrefill.Cli.Output;
using LayeredPrefill.Kernels;
using LayeredPrefill.Kernels.Ilgpu;

namespace LayeredPrefill.Cli.Commands;

/// <summary>`devices`: each kernel backend's devices, and why one is unusable.</summary>
internal static class DevicesCommand
{
    internal static Command Create() => TableCommand.Create("devices", "List each kernel backend's devices and, where one is unusable, why", () =>
    {
        var table = new TextTable(["backend", "device", "memory MiB", "usable"], [false, false, true, false]);
        var simd = BackendRegistry.Probe("simd");
        table.Add("simd", simd.Device, (simd.MemoryBytes / (1 << 20)).ToString(CultureInfo.InvariantCulture), "yes");
        foreach (var backend in new[] { "ilgpu-cpu", "ilgpu-cuda", "ilgpu-opencl" })
            foreach (var d in IlgpuDevices.List(backend))
                table.Add(backend, d.Name, d.Reason is null ? (d.MemoryBytes / (1 << 20)).ToString(CultureInfo.InvariantCulture) : "", d.Reason is null ? "yes" : $"no: {d.Reason}");
        return table;
    });
}

using System.CommandLine;
using LayeredPrefill.Kernels;
using LayeredPrefill.Kernels.Ilgpu;

namespace LayeredPrefill.Cli.Commands;

/// <summary>`devices`: each kernel backend's devices, and why one is unusable.</summary>
internal static class DevicesCommand
{
    internal static Command Create()
    {
        var command = new Command("devices", "List each kernel backend's devices and, where one is unusable, why");
        command.SetAction(_ => CliHost.Guard(() =>
        {
            var simd = BackendRegistry.Probe("simd");
            Console.WriteLine($"simd          {simd.Device}, {simd.MemoryBytes / (1 << 20):N0} MiB available");
            foreach (var backend in new[] { "ilgpu-cpu", "ilgpu-cuda", "ilgpu-opencl" })
                foreach (var d in IlgpuDevices.List(backend))
                    Console.WriteLine(d.Reason is null
                        ? $"{backend,-13} {d.Name}, {d.MemoryBytes / (1 << 20):N0} MiB"
                        : $"{backend,-13} {d.Name}: unusable: {d.Reason}");
            return 0;
        }));
        return command;
    }
}

using System.CommandLine;
using LayeredPrefill.Kernels.Cuda;

namespace LayeredPrefill.Cli.Commands;

/// <summary>`gpu-ptx`: writes the PTX of the CUDA kernels (no GPU needed) for reading and for ptxas -v.</summary>
internal static class GpuPtxCommand
{
    internal static Command Create()
    {
        var outOption = new Option<string>("--output-dir") { Description = "Folder for the .ptx files (default runs/ptx, which git ignores)", DefaultValueFactory = _ => "runs/ptx" };
        var cmd = new Command("gpu-ptx", "Compile the CUDA kernels to PTX (sm_90) without a GPU");
        cmd.Options.Add(outOption);
        cmd.SetAction((parse, cancel) => CliHost.GuardAsync(() =>
        {
            string dir = parse.GetValue(outOption)!;
            LayeredPrefill.IO.AtomicFile.EnsureWritable(Path.Combine(dir, "kernel.ptx"), "--output-dir");
            foreach (var (name, ptx) in PtxDump.Compile())
            {
                LayeredPrefill.IO.AtomicFile.WriteAllText(Path.Combine(dir, name + ".ptx"), ptx);
                Console.WriteLine($"{name}: {ptx.Length} chars, {ptx.Split("mma.sync").Length - 1} mma.sync, {ptx.Split("ld.local").Length - 1} ld.local, {ptx.Split("v4.u32").Length - 1} v4 loads");
            }
            return 0;
        }));
        return cmd;
    }
}

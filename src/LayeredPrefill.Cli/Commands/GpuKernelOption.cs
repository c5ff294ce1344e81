using System.CommandLine;
using LayeredPrefill.Execution.Kernels.Cuda;

namespace LayeredPrefill.Cli.Commands;

/// <summary>The `--kernel` option every GPU verb shares, spelled and described once.</summary>
internal static class GpuKernelOption
{
    public static Option<int> Create() => new("--kernel")
    {
        Description = "Tile GEMM version: 4 (default: v4 16-row kernel for batches of --v4-min-tokens to --v4-max-tokens, v1 otherwise), 7 (as 4, and v7 32x64-warp-tile kernel for batches of at least --v7-min-tokens), 1 (register-staged v1 for every GEMM)",
        DefaultValueFactory = _ => CudaMoeLayer.DefaultKernel,
    };
}

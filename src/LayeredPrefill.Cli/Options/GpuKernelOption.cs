using System.CommandLine;
using LayeredPrefill.Kernels.Cuda;

namespace LayeredPrefill.Cli.Options;

/// <summary>The `--kernel` option every GPU verb shares, spelled and described once.</summary>
internal static class GpuKernelOption
{
    public static Option<int> Create() => new("--kernel")
    {
        Description = "Tile GEMM version: 7 (default: v7 32x64-warp-tile kernel for the expert GEMMs of batches of at least --v7-min-tokens, else as 4), 4 (v4 16-row kernel for batches of --v4-min-tokens to --v4-max-tokens, v1 otherwise), 1 (register-staged v1 for every GEMM)",
        DefaultValueFactory = _ => CudaMoeLayer.DefaultKernel,
    };
}

using ILGPU;
using ILGPU.Runtime;
using E = LayeredPrefill.Kernels.Ilgpu.IlgpuElementwiseKernels;
using R = LayeredPrefill.Kernels.Ilgpu.IlgpuRouterKernels;

namespace LayeredPrefill.Kernels.Ilgpu;

/// <summary>All kernels loaded (compiled) once for one accelerator.</summary>
internal sealed class IlgpuKernelSet
{
    public readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, GemmShape> Gemm;
    public readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, AttentionShape> Attention;
    public readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int> GatherRows, ScatterRows;
    public readonly Action<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int> Embed;
    public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> RmsNorm;
    public readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int, int> Rope;
    public readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int, int> WriteKv;
    public readonly Action<Index1D, ArrayView<float>, ArrayView<float>> AddInPlace;
    public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int> SiluMul;
    public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, int, int> Combine;
    public readonly Action<Index1D, ArrayView<float>, ArrayView<int>, int> Argmax;
    public readonly Action<Index1D, ArrayView<float>, ArrayView<int>, int> FlagNonFinite;
    public readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int> TopK;
    public readonly Action<Index1D, ArrayView<int>, ArrayView<int>, int> Count;
    public readonly Action<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, int, int, int, int> Prefix;
    public readonly Action<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, int, int> Scatter;

    /// <summary>GEMM tile edge for this accelerator.</summary>
    public readonly int Tile;
    /// <summary>Attention group size for this accelerator.</summary>
    public readonly int AttentionGroup;

    public IlgpuKernelSet(Accelerator a)
    {
        // The CPU accelerator runs each group's threads as OS threads with spinning barriers: use one thread per group.
        Tile = a.AcceleratorType == AcceleratorType.CPU ? 1 : IlgpuGemmKernel.MaxTile;
        AttentionGroup = a.AcceleratorType == AcceleratorType.CPU ? 1 : 64;
        Gemm = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, GemmShape>(IlgpuGemmKernel.Kernel);
        Attention = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, AttentionShape>(IlgpuAttentionKernel.Kernel);
        GatherRows = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int>(E.GatherRows);
        ScatterRows = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int>(E.ScatterRows);
        Embed = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int>(E.Embed);
        RmsNorm = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(E.RmsNorm);
        Rope = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int, int>(E.Rope);
        WriteKv = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int, int>(E.WriteKv);
        AddInPlace = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(E.AddInPlace);
        SiluMul = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(E.SiluMul);
        Combine = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, int, int>(E.Combine);
        Argmax = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, int>(E.Argmax);
        FlagNonFinite = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, int>(E.FlagNonFinite);
        TopK = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int>(R.TopK);
        Count = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<int>, int>(R.Count);
        Prefix = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, int, int, int, int>(R.Prefix);
        Scatter = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, int, int>(R.Scatter);
    }

    /// <summary>C[rows, N] = A[rows, K]·W[K, N] for one dense weight.</summary>
    public void Dense(ArrayView<float> a, int rows, ArrayView<float> w, int k, int n, ArrayView<float> c, ArrayView<int> dummyMap)
    {
        if (rows == 0) return;
        var shape = new GemmShape { K = k, N = n, Lda = k, Ldc = n, Rows = rows, UseTileMap = 0, WeightStride = 0, Tile = Tile };
        int t = Tile;
        Gemm(new KernelConfig(new Index2D((n + t - 1) / t, (rows + t - 1) / t), new Index2D(t, t)), a, w, c, dummyMap, shape);
    }

    /// <summary>Grouped expert GEMM over the device-built tile map (at most <paramref name="maxTiles"/> tiles).</summary>
    public void Grouped(ArrayView<float> a, ArrayView<float> w, long weightStride, int k, int n, ArrayView<float> c, ArrayView<int> tileMap, int maxTiles)
    {
        var shape = new GemmShape { K = k, N = n, Lda = k, Ldc = n, Rows = 0, UseTileMap = 1, WeightStride = weightStride, Tile = Tile };
        int t = Tile;
        Gemm(new KernelConfig(new Index2D((n + t - 1) / t, maxTiles), new Index2D(t, t)), a, w, c, tileMap, shape);
    }
}

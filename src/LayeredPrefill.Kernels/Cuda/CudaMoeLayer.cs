using ILGPU;
using ILGPU.Runtime;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>
/// One routed-MoE layer on the GPU: router GEMM, top-k, sort by expert, fused gate/up + SiLU·mul,
/// down with the routing weight, and the top-k combine. Every step is queued on one stream; nothing
/// is read back to the host inside the layer.
/// </summary>
public sealed class CudaMoeLayer
{
    private readonly CudaMoeKernels _k;

    /// <summary>The layer's shape.</summary>
    public MoeShape Shape { get; }

    /// <summary>Binds the kernels to a shape.</summary>
    public CudaMoeLayer(CudaMoeKernels kernels, MoeShape shape)
    {
        _k = kernels;
        Shape = shape.Validate("CUDA MoE layer");
    }

    // The expert GEMMs take v7 (32×64 warp tiles, double-buffered shared memory, one barrier per 64 of K), the fastest
    // measured at every batch size, launched column blocks first so a tile's rows are read from DRAM once and then hit L2.
    // The router (and a layer too large for v7's 32-bit chunk indices) takes v1, tiles first, with its K split across
    // partial-logit planes. results/gpu/NOTES.md has the measurements.
    private void Gemm(int tiles, int columns, GemmArgs args, MoeWorkspace ws, ArrayView<ulong> aWords, ArrayView<ulong> bWords)
    {
        bool expertGemm = args.Mode != (int)GemmMode.Router;
        if (expertGemm && UsesV7(args.Tokens))
        {
            int weightRows = args.Mode == (int)GemmMode.GateUp ? 2 * args.NOut : args.NOut;
            args.ColumnsFastest = 1;
            var config7 = new KernelConfig(new Index2D(weightRows / GroupedGemmKernelV7.BlockCols, tiles), new Index2D(GroupedGemmKernelV7.Threads, 1));
            _k.GemmV7(config7, args, ws.TileInfo.View, ws.TileCount.View, ws.SortedSlot.View, ws.TopWeights.View, ws.PerSlot.View, PairsOut(args, ws),
                aWords.Cast<U4>(), bWords.Cast<U4>());
            return;
        }
        args.ColumnsFastest = 0;
        var config = new KernelConfig(new Index2D(tiles, columns), new Index2D(GroupedGemmKernel.Threads, 1));
        _k.Gemm(config, args, ws.TileInfo.View, ws.TileCount.View, ws.SortedSlot.View, ws.TopWeights.View,
            ws.Logits.View, PairsOut(args, ws));
    }

    /// <summary>Whether the expert GEMMs of a batch of <paramref name="tokens"/> take v7 (and so the sort makes v7's tiles).</summary>
    public bool UsesV7(int tokens) => V7IndicesFit(Shape, tokens);

    /// <summary>Rows per sort tile for a batch of <paramref name="tokens"/>: v7's block rows, or v1's.</summary>
    public int TileRowsFor(int tokens) => UsesV7(tokens) ? GroupedGemmKernelV7.Rows : GroupedGemmKernel.TileRows;

    /// <summary>v7 indexes A and B in 32-bit counts of 16-byte chunks; larger layers fall back to v1.</summary>
    internal static bool V7IndicesFit(MoeShape shape, int tokens) =>
        (long)shape.Experts * shape.ExpertBytes / 16 < int.MaxValue && (long)tokens * shape.TopK * Math.Max(shape.Hidden, shape.Ffn) / 8 < int.MaxValue;

    // Packed bf16 outputs: gate/up writes SiLU·mul into Hidden, down writes per-slot rows into PerSlot's memory.
    private static ArrayView<uint> PairsOut(GemmArgs args, MoeWorkspace ws) =>
        args.Mode == (int)GemmMode.Down ? PerSlotPairs(ws) : ws.Hidden.View;

    /// <summary>The weighted per-slot expert outputs of the last <see cref="ExpertGemms"/>, bf16 pairs [T·k, H/2].</summary>
    public static ArrayView<uint> PerSlotPairs(MoeWorkspace ws) => ((ArrayView<float>)ws.PerSlot.View).Cast<uint>();

    /// <summary>Router K splits for every batch size (0: chosen per batch by <see cref="RouterSplits"/>). A fixed count makes each
    /// token's logits independent of the batch it is in (the partial planes are summed in split order), which the serving engine
    /// needs for identical tokens under every schedule; at most <see cref="MoeWorkspace.MaxRouterSplits"/>.</summary>
    public int FixedRouterSplits { get; init; }

    /// <summary>K splits of the router for <paramref name="tokens"/>: enough blocks to cover the GPU at small batches.</summary>
    public int RouterSplits(int tokens)
    {
        if (FixedRouterSplits > 0) return FixedRouterSplits;
        int blocks = (tokens + GroupedGemmKernel.TileRows - 1) / GroupedGemmKernel.TileRows * (Shape.Experts / GroupedGemmKernel.TileCols);
        int splits = 1;
        while (splits < MoeWorkspace.MaxRouterSplits && blocks * splits * 2 <= 264 && Shape.Hidden / (splits * 2) % MoeShape.KMultiple == 0)
            splits *= 2;
        return splits;
    }

    /// <summary>Queues routing and sorting for the first <paramref name="tokens"/> rows of <c>ws.X</c>; <paramref name="mark"/> (a profiler's)
    /// is called after each step.</summary>
    public void Route(MoeLayerWeights w, MoeWorkspace ws, int tokens, Action<string>? mark = null)
    {
        var sh = Shape;
        var args = new GemmArgs
        {
            Mode = (int)GemmMode.Router, ABase = Address(ws.X), BBase = Address(w.Router), BExpertStrideBytes = 0,
            K = sh.Hidden, NOut = sh.Experts, Tokens = tokens, TopK = sh.TopK, KSplits = 1,
        };
        int splits = RouterSplits(tokens);
        args.KSplits = splits;
        Gemm((tokens + GroupedGemmKernel.TileRows - 1) / GroupedGemmKernel.TileRows, sh.Experts / GroupedGemmKernel.TileCols * splits, args, ws, Words(ws.X), Words(w.Router));
        mark?.Invoke("router-gemm");
        _k.TopK(new KernelConfig((tokens + 3) / 4, 128), ws.Logits.View, tokens, sh.Experts, sh.TopK, splits, ws.TopIds.View, ws.TopWeights.View);
        mark?.Invoke("top-k");
        int slots = tokens * sh.TopK;
        _k.Sort(new KernelConfig(1, RoutingKernels.SortThreads), ws.TopIds.View, slots, sh.Experts, TileRowsFor(tokens),
            ws.Counts.View, ws.Offsets.View, ws.Cursors.View, ws.TileInfo.View, ws.TileCount.View, ws.SortedSlot.View, ws.SlotPosition.View);
        mark?.Invoke("sort");
        if (slots > RoutingKernels.SortInBlockMaxSlots)
        {
            _k.Scatter(_k.Accelerator.DefaultStream, slots, ws.TopIds.View, ws.Cursors.View, ws.SortedSlot.View, ws.SlotPosition.View);
            mark?.Invoke("scatter");
        }
    }

    /// <summary>Queues the expert GEMMs and the combine for a routed batch of <paramref name="tokens"/> tokens.</summary>
    public void Experts(MoeLayerWeights w, MoeWorkspace ws, int tokens)
    {
        ExpertGemms(w, ws, tokens);
        _k.Combine(_k.Accelerator.DefaultStream, tokens * Shape.Hidden / 2, PerSlotPairs(ws), Shape.Hidden, Shape.TopK, ws.Output.View);
    }

    /// <summary>Queues gate/up (with SiLU·mul) and down (with the routing weight) for a routed batch; the weighted per-slot
    /// rows land in <see cref="PerSlotPairs"/>.</summary>
    public void ExpertGemms(MoeLayerWeights w, MoeWorkspace ws, int tokens, Action<string>? mark = null)
    {
        var sh = Shape;
        int maxTiles = sh.MaxTiles(tokens, TileRowsFor(tokens));
        var gateUp = new GemmArgs
        {
            Mode = (int)GemmMode.GateUp, ABase = Address(ws.X), BBase = Address(w.GateUp), BExpertStrideBytes = 2L * sh.Ffn * sh.Hidden * 2,
            K = sh.Hidden, NOut = sh.Ffn, Tokens = tokens, TopK = sh.TopK, KSplits = 1,
        };
        Gemm(maxTiles, sh.Ffn / (GroupedGemmKernel.TileCols / 2), gateUp, ws, Words(ws.X), Words(w.GateUp));
        mark?.Invoke("gate-up");
        var down = new GemmArgs
        {
            Mode = (int)GemmMode.Down, ABase = Address(ws.Hidden), BBase = Address(w.Down), BExpertStrideBytes = (long)sh.Hidden * sh.Ffn * 2,
            K = sh.Ffn, NOut = sh.Hidden, Tokens = tokens, TopK = sh.TopK, KSplits = 1,
        };
        Gemm(maxTiles, sh.Hidden / GroupedGemmKernel.TileCols, down, ws, Words(ws.Hidden), Words(w.Down));
        mark?.Invoke("down");
    }

    /// <summary>
    /// Queues a dense projection on v7: out[T, N] (=, or += with <see cref="GemmMode.DenseAdd"/>) = A[T, K]·B[N, K]ᵀ over the row
    /// tiles that <c>ModelKernels.DenseTiles</c> wrote for T rows. Every row takes the same kernel and K order at any T, so a
    /// row's result does not depend on the batch.
    /// </summary>
    public void Dense(GemmMode mode, ArrayView<U4> a, ArrayView<U4> b, int n, int k, int tokens, ArrayView<int> tileInfo, ArrayView<int> tileCount,
        ArrayView<float> output, ArrayView<int> dummyInts, ArrayView<float> dummyFloats, ArrayView<uint> dummyPairs)
    {
        if (mode is not (GemmMode.Dense or GemmMode.DenseAdd)) throw new ArgumentException($"not a dense mode: {mode}", nameof(mode));
        if (n % GroupedGemmKernelV7.BlockCols != 0 || k % GroupedGemmKernelV7.SliceK != 0)
            throw new ArgumentException($"dense GEMM {n}×{k}: N must be a multiple of {GroupedGemmKernelV7.BlockCols} and K of {GroupedGemmKernelV7.SliceK}");
        if (tokens == 0) return;
        var args = new GemmArgs { Mode = (int)mode, K = k, NOut = n, Tokens = tokens, TopK = 1, KSplits = 1, ColumnsFastest = 1 };
        int tiles = (tokens + GroupedGemmKernelV7.Rows - 1) / GroupedGemmKernelV7.Rows;
        var config = new KernelConfig(new Index2D(n / GroupedGemmKernelV7.BlockCols, tiles), new Index2D(GroupedGemmKernelV7.Threads, 1));
        _k.GemmV7(config, args, tileInfo, tileCount, dummyInts, dummyFloats, output, dummyPairs, a, b);
    }

    /// <summary>Routing then experts.</summary>
    public void Forward(MoeLayerWeights w, MoeWorkspace ws, int tokens)
    {
        Route(w, ws, tokens);
        Experts(w, ws, tokens);
    }

    private static ArrayView<ulong> Words(MemoryBuffer1D<uint, Stride1D.Dense> buffer) => ((ArrayView<uint>)buffer.View).Cast<ulong>();

    internal static ulong Address<T>(MemoryBuffer1D<T, Stride1D.Dense> buffer) where T : unmanaged => (ulong)buffer.NativePtr.ToInt64();
}

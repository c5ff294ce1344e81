using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>
/// The vendor baseline: the same sorted tokens, one cublasGemmEx per active expert for gate/up and for
/// down, with small ILGPU kernels for the gather, SiLU·mul and weighted combine. It needs the per-expert
/// counts on the host (one read-back after routing), which the fused kernels do not.
/// </summary>
public sealed class CublasMoeBaseline : IDisposable
{
    private readonly CudaMoeKernels _k;
    private readonly Cublas _blas;
    private readonly MoeShape _s;
    private readonly MemoryBuffer1D<uint, Stride1D.Dense> _gathered, _gateUpOut;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<uint>, ArrayView<int>, int, int, ArrayView<uint>> _gather;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<uint>, int, ArrayView<uint>> _siluMul;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, int, int, ArrayView<float>> _combine;

    /// <summary>Binds cuBLAS to the kernels' stream and allocates its scratch for <paramref name="maxTokens"/>.</summary>
    public CublasMoeBaseline(CudaMoeKernels k, Cublas blas, MoeShape shape, int maxTokens)
    {
        (_k, _blas, _s) = (k, blas, shape);
        long slots = (long)maxTokens * shape.TopK;
        _gathered = k.Accelerator.Allocate1D<uint>(slots * shape.Hidden / 2);
        _gateUpOut = k.Accelerator.Allocate1D<uint>(slots * shape.Ffn);
        _gather = k.Accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<uint>, ArrayView<int>, int, int, ArrayView<uint>>(Gather);
        _siluMul = k.Accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<uint>, int, ArrayView<uint>>(SiluMul);
        _combine = k.Accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, int, int, ArrayView<float>>(WeightedCombine);
    }

    /// <summary>The stream handle cuBLAS must use to stay ordered with ILGPU's launches.</summary>
    public static IntPtr StreamOf(CudaAccelerator a) => ((CudaStream)a.DefaultStream).StreamPtr;

    /// <summary>Queues the expert part for a batch already routed into <paramref name="ws"/>; counts/offsets are host copies.</summary>
    public void Experts(MoeLayerWeights w, MoeWorkspace ws, int tokens, int[] counts, int[] offsets)
    {
        var st = _k.Accelerator.DefaultStream;
        int slots = tokens * _s.TopK, h = _s.Hidden, f = _s.Ffn;
        _gather(st, slots * (h / 2), ws.X.View, ws.SortedSlot.View, _s.TopK, h / 2, _gathered.View);
        ulong xs = CudaMoeLayer.Address(_gathered), c1 = CudaMoeLayer.Address(_gateUpOut), g = CudaMoeLayer.Address(ws.Hidden), y = CudaMoeLayer.Address(ws.PerSlot);
        ulong w13 = CudaMoeLayer.Address(w.GateUp), w2 = CudaMoeLayer.Address(w.Down);
        for (int e = 0; e < _s.Experts; e++)
        {
            if (counts[e] == 0) continue;
            ulong p = (ulong)offsets[e];
            _blas.GemmRowMajorABt(xs + p * (ulong)h * 2, w13 + (ulong)e * (ulong)(2 * f * h) * 2, c1 + p * (ulong)(2 * f) * 2, counts[e], 2 * f, h, false);
        }
        _siluMul(st, slots * (f / 2), _gateUpOut.View, f / 2, ws.Hidden.View);
        for (int e = 0; e < _s.Experts; e++)
        {
            if (counts[e] == 0) continue;
            ulong p = (ulong)offsets[e];
            _blas.GemmRowMajorABt(g + p * (ulong)f * 2, w2 + (ulong)e * (ulong)(h * f) * 2, y + p * (ulong)h * 4, counts[e], h, f, true);
        }
        _combine(st, tokens * h, ws.PerSlot.View, ws.TopWeights.View, ws.SlotPosition.View, h, _s.TopK, ws.Output.View);
    }

    private static void Gather(Index1D i, ArrayView<uint> x, ArrayView<int> sortedSlot, int topK, int halfHidden, ArrayView<uint> gathered)
    {
        long p = i / halfHidden, c = i - p * halfHidden;
        gathered[i] = x[(long)(sortedSlot[p] / topK) * halfHidden + c];
    }

    private static void SiluMul(Index1D i, ArrayView<uint> gateUp, int halfFfn, ArrayView<uint> g)
    {
        long p = i / halfFfn, c = i - p * halfFfn;
        uint gate = gateUp[p * 2 * halfFfn + c], up = gateUp[p * 2 * halfFfn + halfFfn + c];
        float g0 = Ptx.Lo(gate), g1 = Ptx.Hi(gate);
        g[i] = Ptx.Pack(g0 / (1f + Ptx.Exp(-g0)) * Ptx.Lo(up), g1 / (1f + Ptx.Exp(-g1)) * Ptx.Hi(up));
    }

    private static void WeightedCombine(Index1D i, ArrayView<float> perSorted, ArrayView<float> weights, ArrayView<int> slotPosition, int hidden, int topK, ArrayView<float> output)
    {
        long t = i / hidden, col = i - t * hidden;
        float sum = 0f;
        for (int s = 0; s < topK; s++)
        {
            long slot = t * topK + s;
            sum += weights[slot] * perSorted[(long)slotPosition[slot] * hidden + col];
        }
        output[i] = sum;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _gathered.Dispose();
        _gateUpOut.Dispose();
        _blas.Dispose();
    }
}

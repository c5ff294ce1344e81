using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.OpenCL;
using LayeredPrefill.Kernels.Ilgpu;

namespace LayeredPrefill.Kernels.Verification;

/// <summary>Single ILGPU kernels on host arrays: upload, poison outputs with NaN, launch, read back.</summary>
public sealed class IlgpuProbe : IKernelProbe
{
    private readonly Context _context;
    private readonly Accelerator _acc;
    private readonly IlgpuKernelSet _k;
    private readonly List<MemoryBuffer> _buffers = [];

    /// <summary>Opens the backend's first usable device.</summary>
    public IlgpuProbe(string backend)
    {
        BackendRegistry.RequireUsable(backend);
        _context = IlgpuDevices.CreateContext(backend);
        _acc = IlgpuDevices.FirstUsable(_context, backend).CreateAccelerator(_context);
        _k = new IlgpuKernelSet(_acc);
    }

    private ArrayView<T> Up<T>(T[] data) where T : unmanaged
    {
        var b = _acc.Allocate1D<T>(Math.Max(1, data.Length));
        if (data.Length > 0) b.View.SubView(0, data.Length).CopyFromCPU(data);
        _buffers.Add(b);
        return b.View;
    }

    private ArrayView<float> Poisoned(int n) { var a = new float[n]; Array.Fill(a, float.NaN); return Up(a); }

    private T[] Down<T>(ArrayView<T> v) where T : unmanaged
    {
        _acc.Synchronize();
        return v.AsDense().GetAsArray1D();
    }

    public float[] Gemm(float[] a, int rows, float[] w, int k, int n)
    {
        var c = Poisoned(rows * n);
        _k.Dense(Up(a), rows, Up(w), k, n, c, Up(new int[3]));
        return Down(c);
    }

    public float[] RmsNorm(float[] x, int rows, float[] weight)
    {
        var y = Poisoned(x.Length);
        _k.RmsNorm(rows, Up(x), Up(weight), y, weight.Length);
        return Down(y);
    }

    public float[] Rope(float[] qkv, int rows, int width, int heads, int headDim, int[] positions, RopeTable table)
    {
        var y = Up(qkv);
        _k.Rope(rows * heads * (headDim / 2), y, Up(Enumerable.Range(0, rows).ToArray()), Up(positions), Up(table.Cos), Up(table.Sin), heads, headDim, width);
        return Down(y);
    }

    public float[] Attention(float[] qkv, int rows, int[] positions, float[] keys, float[] values, int contextTokens, int queryHeads, int kvHeads, int headDim)
    {
        int blocks = (contextTokens + IterationBatch.BlockTokens - 1) / IterationBatch.BlockTokens, kvWidth = kvHeads * headDim;
        var k = new float[blocks * IterationBatch.BlockTokens * kvWidth];
        var v = new float[k.Length];
        Array.Copy(keys, k, contextTokens * kvWidth);
        Array.Copy(values, v, contextTokens * kvWidth);
        var o = Poisoned(rows * queryHeads * headDim);
        var shape = new AttentionShape { QueryHeads = queryHeads, KvHeads = kvHeads, HeadDim = headDim, QkvWidth = (queryHeads + 2 * kvHeads) * headDim, Scale = 1f / MathF.Sqrt(headDim) };
        _k.Attention(new KernelConfig(rows * queryHeads, _k.AttentionGroup), Up(qkv), Up(k), Up(v), Up(Enumerable.Range(0, rows).ToArray()),
            Up(positions), Up(new int[rows]), Up(Enumerable.Range(0, Math.Max(1, blocks)).ToArray()), o, shape);
        return Down(o);
    }

    public (int[] Ids, float[] Weights) TopK(float[] logits, int tokens, int experts, int topK, bool renormalize)
    {
        var ids = Up(Enumerable.Repeat(-1, tokens * topK).ToArray());
        var w = Poisoned(tokens * topK);
        _k.TopK(tokens, Up(logits), ids, w, experts, topK, renormalize ? 1 : 0);
        return (Down(ids), Down(w));
    }

    public float[] ExpertFfn(float[] xn, int tokens, int[] ids, float[] weights, int topK, float[][] gateUp, float[][] down, int hidden, int ffn)
    {
        int e = gateUp.Length, pairs = tokens * topK, maxTiles = (pairs + _k.Tile - 1) / _k.Tile + e;
        var idsView = Up(ids);
        var counts = Up(new int[e]);
        var offsets = Up(new int[e + 1]);
        var tileMap = Up(new int[maxTiles * 3]);
        var sorted = Up(new int[pairs]);
        var slotOf = Up(new int[pairs]);
        _k.Count(e, idsView, counts, pairs);
        _k.Prefix(1, counts, offsets, tileMap, Up(new int[e]), e, maxTiles, 0, _k.Tile);
        _k.Scatter(e, idsView, offsets, sorted, slotOf, pairs, topK);
        var xs = Poisoned(pairs * hidden);
        _k.GatherRows(pairs * hidden, Up(xn), sorted, xs, hidden);
        var gu = Poisoned(pairs * 2 * ffn);
        var act = Poisoned(pairs * ffn);
        var ys = Poisoned(pairs * hidden);
        _k.Grouped(xs, Up(gateUp.SelectMany(g => g).ToArray()), (long)hidden * 2 * ffn, hidden, 2 * ffn, gu, tileMap, maxTiles);
        _k.SiluMul(pairs * ffn, gu, act, ffn);
        _k.Grouped(act, Up(down.SelectMany(d => d).ToArray()), (long)ffn * hidden, ffn, hidden, ys, tileMap, maxTiles);
        var y = Up(new float[tokens * hidden]);
        _k.Combine(tokens * hidden, y, ys, Up(weights), slotOf, hidden, topK);
        return Down(y);
    }

    public int[] Argmax(float[] logits, int rows, int vocab)
    {
        var r = Up(Enumerable.Repeat(-1, rows).ToArray());
        _k.Argmax(rows, Up(logits), r, vocab);
        return Down(r);
    }

    public void Dispose()
    {
        foreach (var b in _buffers) b.Dispose();
        _acc.Dispose();
        _context.Dispose();
    }
}

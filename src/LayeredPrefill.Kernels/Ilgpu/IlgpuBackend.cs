using System.Diagnostics;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.OpenCL;
using LayeredPrefill.Models;

namespace LayeredPrefill.Kernels.Ilgpu;

/// <summary>
/// ILGPU backend (CPU accelerator, CUDA or OpenCL): fp32 weights on the device, routing and sorting on the device,
/// the only reads back per iteration are the argmax tokens, the expert row counts and the NaN flags.
/// </summary>
public sealed class IlgpuBackend : IMoeBackend
{
    private static readonly string[] KernelNames = ["attn-norm", "qkv-proj+rope", "attention", "o-proj", "ffn-norm", "router", "expert-ffn", "combine"];
    private readonly Context _context;
    private readonly Accelerator _acc;
    private readonly IlgpuKernelSet _k;
    private readonly DeviceScratch _s;
    private readonly MoeModel _m;
    private readonly IlgpuLayer[] _layers;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _embedding, _finalNorm, _lmHead, _cos, _sin;
    private readonly int _qkvWidth;
    private readonly Dictionary<(int Request, int Start), MemoryBuffer1D<float, Stride1D.Dense>> _hidden = [];

    /// <inheritdoc/>
    public string Name { get; }
    /// <inheritdoc/>
    public string DeviceName => _acc.Name;
    /// <inheritdoc/>
    public WeightDtype WeightDtype => WeightDtype.Fp32;

    /// <summary>Loads the weights onto the backend's first usable device and compiles the kernels.</summary>
    public IlgpuBackend(string name, MoeWeights weights, int kvBlocks, RopeTable rope)
    {
        Name = name;
        _m = weights.Model;
        _qkvWidth = weights.QkvWidth;
        _context = IlgpuDevices.CreateContext(name);
        var device = IlgpuDevices.FirstUsable(_context, name);
        _acc = device.CreateAccelerator(_context);
        _k = new IlgpuKernelSet(_acc);
        _s = new DeviceScratch(_acc);
        long kvFloats = (long)kvBlocks * IterationBatch.BlockTokens * _m.KvHeads * _m.HeadDim;
        _layers = weights.Layers.Select(l => IlgpuLayer.Upload(_acc, l, kvFloats)).ToArray();
        _embedding = Up(weights.Embedding);
        _finalNorm = Up(weights.FinalNorm);
        _lmHead = Up(weights.LmHead);
        _cos = Up(rope.Cos);
        _sin = Up(rope.Sin);
    }

    private MemoryBuffer1D<float, Stride1D.Dense> Up(float[] data)
    {
        var b = _acc.Allocate1D<float>(data.Length);
        b.View.CopyFromCPU(data);
        return b;
    }

    /// <inheritdoc/>
    public BackendStep Run(IterationBatch batch)
    {
        int hd = _m.HiddenSize, layers = _m.Layers;
        var hidden = _s.Get<float>("hidden", (long)batch.Rows * hd);
        var tokens = _s.Upload("tokens", batch.TokenIds);
        var positions = _s.Upload("positions", batch.Positions);
        var offsets = _s.Upload("tableOffsets", batch.BlockTableOffsets);
        var table = _s.Upload("blockTable", batch.BlockTable);
        var layerRowOffsets = new int[layers + 1];
        for (int l = 0; l < layers; l++) layerRowOffsets[l + 1] = layerRowOffsets[l] + batch.LayerRows[l].Length;
        var allRows = _s.Upload("layerRows", batch.LayerRows.SelectMany(r => r).ToArray());
        var flags = _s.Get<int>("flags", (layers + 1) * KernelNames.Length);
        var expertRows = _s.Get<int>("expertRows", layers * _m.Experts);
        flags.MemSetToZero();
        expertRows.MemSetToZero();

        var embedRows = batch.Segments.Where(s => !s.LoadsHidden).SelectMany(s => Enumerable.Range(s.RowStart, s.RowCount)).ToArray();
        if (embedRows.Length > 0)
            _k.Embed(embedRows.Length * hd, _s.Upload("embedRows", embedRows), tokens, _embedding.View, hidden, hd);
        foreach (var seg in batch.Segments.Where(s => s.LoadsHidden))
        {
            if (!_hidden.Remove((seg.RequestId, seg.SliceStart), out var kept))
                throw new InvalidOperationException($"request {seg.RequestId}: no hidden states kept for the slice at {seg.SliceStart}");
            kept.View.CopyTo(hidden.SubView((long)seg.RowStart * hd, (long)seg.RowCount * hd).AsDense());
            kept.Dispose();
        }

        var layerSeconds = new double[layers];
        var moeSeconds = new double[layers];
        for (int l = 0; l < layers; l++)
        {
            int t = batch.LayerRows[l].Length;
            if (t == 0) continue;
            _acc.Synchronize();
            long start = Stopwatch.GetTimestamp();
            var rows = allRows.SubView(layerRowOffsets[l], t);
            moeSeconds[l] = RunLayer(l, t, rows, positions, offsets, table, hidden, flags, expertRows);
            _acc.Synchronize();
            layerSeconds[l] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        foreach (var seg in batch.Segments.Where(s => s.StoresHidden))
        {
            var keep = _acc.Allocate1D<float>((long)seg.RowCount * hd);
            hidden.SubView((long)seg.RowStart * hd, (long)seg.RowCount * hd).AsDense().CopyTo(keep.View);
            _hidden[(seg.RequestId, seg.SliceStart)] = keep;
        }
        var emitted = LmHead(batch, hidden, flags);
        _acc.Synchronize();
        ThrowOnFlags(flags.AsDense().GetAsArray1D());
        var counts = expertRows.AsDense().GetAsArray1D();
        return new BackendStep(emitted, Enumerable.Range(0, layers).Select(l => counts.AsSpan(l * _m.Experts, _m.Experts).ToArray()).ToArray(), layerSeconds, moeSeconds);
    }

    private double RunLayer(int l, int t, ArrayView<int> rows, ArrayView<int> positions, ArrayView<int> offsets, ArrayView<int> table,
        ArrayView<float> hidden, ArrayView<int> flags, ArrayView<int> expertRows)
    {
        int hd = _m.HiddenSize, qWidth = _m.QueryHeads * _m.HeadDim, kvWidth = _m.KvHeads * _m.HeadDim, e = _m.Experts, k = _m.TopK, f = _m.ExpertFfnSize;
        var w = _layers[l];
        var dummy = _s.Get<int>("dummyMap", 3);
        void Flag(ArrayView<float> v, int kernel) => _k.FlagNonFinite((int)v.Length, v, flags, l * KernelNames.Length + kernel);

        var x = _s.Get<float>("x", (long)t * hd);
        var xn = _s.Get<float>("xn", (long)t * hd);
        _k.GatherRows(t * hd, hidden, rows, x, hd);
        _k.RmsNorm(t, x, w.AttentionNorm.View, xn, hd);
        Flag(xn, 0);
        var qkv = _s.Get<float>("qkv", (long)t * _qkvWidth);
        _k.Dense(xn, t, w.Qkv.View, hd, _qkvWidth, qkv, dummy);
        int rotated = _m.QueryHeads + _m.KvHeads;
        _k.Rope(t * rotated * (_m.HeadDim / 2), qkv, rows, positions, _cos.View, _sin.View, rotated, _m.HeadDim, _qkvWidth);
        Flag(qkv, 1);
        _k.WriteKv(t * kvWidth, qkv, rows, positions, offsets, table, w.Keys.View, w.Values.View, qWidth, kvWidth, _qkvWidth);
        var attn = _s.Get<float>("attn", (long)t * qWidth);
        var shape = new AttentionShape { QueryHeads = _m.QueryHeads, KvHeads = _m.KvHeads, HeadDim = _m.HeadDim, QkvWidth = _qkvWidth, Scale = 1f / MathF.Sqrt(_m.HeadDim) };
        _k.Attention(new KernelConfig(t * _m.QueryHeads, _k.AttentionGroup), qkv, w.Keys.View, w.Values.View, rows, positions, offsets, table, attn, shape);
        Flag(attn, 2);
        var o = _s.Get<float>("o", (long)t * hd);
        _k.Dense(attn, t, w.Output.View, qWidth, hd, o, dummy);
        Flag(o, 3);
        _k.AddInPlace(t * hd, x, o);

        _acc.Synchronize();
        long moeStart = Stopwatch.GetTimestamp();
        _k.RmsNorm(t, x, w.FfnNorm.View, xn, hd);
        Flag(xn, 4);
        var logits = _s.Get<float>("logits", (long)t * e);
        _k.Dense(xn, t, w.Router.View, hd, e, logits, dummy);
        Flag(logits, 5);
        int pairs = t * k, maxTiles = (pairs + _k.Tile - 1) / _k.Tile + e;
        var ids = _s.Get<int>("ids", pairs);
        var weights = _s.Get<float>("weights", pairs);
        var counts = _s.Get<int>("counts", e);
        var expertOffsets = _s.Get<int>("expertOffsets", e + 1);
        var tileMap = _s.Get<int>("tileMap", maxTiles * 3);
        var sorted = _s.Get<int>("sorted", pairs);
        var slotOf = _s.Get<int>("slotOf", pairs);
        _k.TopK(t, logits, ids, weights, e, k, _m.RenormalizeTopK ? 1 : 0);
        _k.Count(e, ids, counts, pairs);
        _k.Prefix(1, counts, expertOffsets, tileMap, expertRows, e, maxTiles, l * e, _k.Tile);
        _k.Scatter(e, ids, expertOffsets, sorted, slotOf, pairs, k);
        var xs = _s.Get<float>("xs", (long)pairs * hd);
        _k.GatherRows(pairs * hd, xn, sorted, xs, hd);
        var gu = _s.Get<float>("gu", (long)pairs * 2 * f);
        var act = _s.Get<float>("act", (long)pairs * f);
        var ys = _s.Get<float>("ys", (long)pairs * hd);
        _k.Grouped(xs, w.GateUp.View, (long)hd * 2 * f, hd, 2 * f, gu, tileMap, maxTiles);
        _k.SiluMul(pairs * f, gu, act, f);
        _k.Grouped(act, w.Down.View, (long)f * hd, f, hd, ys, tileMap, maxTiles);
        Flag(ys, 6);
        _k.Combine(t * hd, x, ys, weights, slotOf, hd, k);
        Flag(x, 7);
        _k.ScatterRows(t * hd, x, rows, hidden, hd);
        _acc.Synchronize();
        return Stopwatch.GetElapsedTime(moeStart).TotalSeconds;
    }

    private int[] LmHead(IterationBatch batch, ArrayView<float> hidden, ArrayView<int> flags)
    {
        int n = batch.EmitRows.Length, hd = _m.HiddenSize, v = _m.VocabSize;
        if (n == 0) return [];
        var emitRows = _s.Upload("emitRows", batch.EmitRows);
        var xe = _s.Get<float>("xe", (long)n * hd);
        var xen = _s.Get<float>("xen", (long)n * hd);
        _k.GatherRows(n * hd, hidden, emitRows, xe, hd);
        _k.RmsNorm(n, xe, _finalNorm.View, xen, hd);
        var logits = _s.Get<float>("lmLogits", (long)n * v);
        _k.Dense(xen, n, _lmHead.View, hd, v, logits, _s.Get<int>("dummyMap", 3));
        _k.FlagNonFinite(n * v, logits, flags, _m.Layers * KernelNames.Length);
        var result = _s.Get<int>("argmax", n);
        _k.Argmax(n, logits, result, v);
        _acc.Synchronize();
        return result.AsDense().GetAsArray1D();
    }

    private void ThrowOnFlags(int[] flags)
    {
        for (int i = 0; i < flags.Length; i++)
            if (flags[i] != 0)
            {
                int layer = i / KernelNames.Length;
                throw layer == _m.Layers ? new NonFiniteActivationException(-1, "lm-head") : new NonFiniteActivationException(layer, KernelNames[i % KernelNames.Length]);
            }
    }

    /// <inheritdoc/>
    public void DropHidden(int requestId)
    {
        foreach (var key in _hidden.Keys.Where(k => k.Request == requestId).ToList())
        {
            _hidden[key].Dispose();
            _hidden.Remove(key);
        }
    }

    /// <inheritdoc/>
    public float[] ReadKv(int layer, IReadOnlyList<int> blocks, int tokens)
    {
        int w = _m.KvHeads * _m.HeadDim;
        var keys = _layers[layer].Keys.GetAsArray1D();
        var values = _layers[layer].Values.GetAsArray1D();
        var result = new float[2 * tokens * w];
        var table = blocks.ToArray();
        for (int p = 0; p < tokens; p++)
        {
            long off = ((long)table[p / IterationBatch.BlockTokens] * IterationBatch.BlockTokens + p % IterationBatch.BlockTokens) * w;
            Array.Copy(keys, off, result, (long)p * w, w);
            Array.Copy(values, off, result, (long)(tokens + p) * w, w);
        }
        return result;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var b in _hidden.Values) b.Dispose();
        foreach (var l in _layers) l.Dispose();
        foreach (var b in new[] { _embedding, _finalNorm, _lmHead, _cos, _sin }) b.Dispose();
        _s.Dispose();
        _acc.Dispose();
        _context.Dispose();
    }
}

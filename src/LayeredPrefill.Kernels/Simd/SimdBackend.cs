using System.Diagnostics;
using System.Numerics.Tensors;
using LayeredPrefill.Models;

namespace LayeredPrefill.Kernels.Simd;

/// <summary>CPU backend: TensorPrimitives for vector ops, the packed FMA micro-kernel for GEMMs, fp32 throughout.</summary>
public sealed class SimdBackend : IMoeBackend
{
    private readonly MoeModel _m;
    private readonly SimdLayer[] _layers;
    private readonly SimdKvPool[] _kv;
    private readonly float[] _embedding, _finalNorm;
    private readonly PackedMatrix _lmHead;
    private readonly RopeTable _rope;
    private readonly int _qkvWidth;
    private readonly Dictionary<(int Request, int Start), float[]> _hidden = [];

    /// <inheritdoc/>
    public string Name => "simd";
    /// <inheritdoc/>
    public string DeviceName => $"CPU, {Environment.ProcessorCount} threads, {(System.Runtime.Intrinsics.X86.Fma.IsSupported ? "AVX2+FMA" : "scalar FMA")}";
    /// <inheritdoc/>
    public WeightDtype WeightDtype => WeightDtype.Fp32;

    /// <summary>Packs the weights and allocates a KV pool of <paramref name="kvBlocks"/> blocks per layer.</summary>
    public SimdBackend(MoeWeights weights, int kvBlocks, RopeTable rope)
    {
        _m = weights.Model;
        _qkvWidth = weights.QkvWidth;
        _layers = weights.Layers.Select(l => SimdLayer.Pack(l, _m, _qkvWidth)).ToArray();
        _kv = Enumerable.Range(0, _m.Layers).Select(_ => new SimdKvPool(kvBlocks, _m.KvHeads * _m.HeadDim)).ToArray();
        _embedding = weights.Embedding;
        _finalNorm = weights.FinalNorm;
        _lmHead = PackedMatrix.Pack(weights.LmHead, _m.HiddenSize, _m.VocabSize);
        _rope = rope;
    }

    /// <inheritdoc/>
    public BackendStep Run(IterationBatch batch)
    {
        int hd = _m.HiddenSize;
        var hidden = new float[batch.Rows * hd];
        foreach (var seg in batch.Segments)
        {
            var dst = hidden.AsSpan(seg.RowStart * hd, seg.RowCount * hd);
            if (seg.LoadsHidden)
            {
                if (!_hidden.Remove((seg.RequestId, seg.SliceStart), out var kept))
                    throw new InvalidOperationException($"request {seg.RequestId}: no hidden states kept for the slice at {seg.SliceStart} before layer {seg.Layers.Start}");
                kept.CopyTo(dst);
            }
            else
                for (int r = 0; r < seg.RowCount; r++)
                    _embedding.AsSpan(batch.TokenIds[seg.RowStart + r] * hd, hd).CopyTo(dst.Slice(r * hd, hd));
        }
        var expertRows = new int[_m.Layers][];
        var layerSeconds = new double[_m.Layers];
        var moeSeconds = new double[_m.Layers];
        for (int l = 0; l < _m.Layers; l++)
        {
            var rows = batch.LayerRows[l];
            expertRows[l] = new int[_m.Experts];
            if (rows.Length == 0) continue;
            long start = Stopwatch.GetTimestamp();
            moeSeconds[l] = RunLayer(l, rows, batch, hidden, expertRows[l]);
            layerSeconds[l] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        foreach (var seg in batch.Segments.Where(s => s.StoresHidden))
            _hidden[(seg.RequestId, seg.SliceStart)] = hidden.AsSpan(seg.RowStart * hd, seg.RowCount * hd).ToArray();
        return new BackendStep(LmHead(batch, hidden), expertRows, layerSeconds, moeSeconds);
    }

    private double RunLayer(int l, int[] rows, IterationBatch batch, float[] hidden, int[] expertRows)
    {
        int t = rows.Length, hd = _m.HiddenSize, qWidth = _m.QueryHeads * _m.HeadDim;
        var w = _layers[l];
        var x = new float[t * hd];
        for (int i = 0; i < t; i++) hidden.AsSpan(rows[i] * hd, hd).CopyTo(x.AsSpan(i * hd, hd));
        var positions = rows.Select(r => batch.Positions[r]).ToArray();

        var xn = new float[t * hd];
        SimdNorm.RmsNorm(x, t, w.AttentionNorm, xn);
        Guard(l, "attn-norm", xn);
        var qkv = new float[t * _qkvWidth];
        PackedGemm.Run(xn, t, w.Qkv, qkv);
        SimdRope.Apply(qkv, t, _qkvWidth, _m.QueryHeads + _m.KvHeads, _m.HeadDim, positions, _rope);
        Guard(l, "qkv-proj+rope", qkv);
        SimdAttention.WriteKv(qkv, t, _qkvWidth, qWidth, rows, batch, _kv[l]);
        var attn = new float[t * qWidth];
        SimdAttention.Run(qkv, t, _qkvWidth, rows, batch, _kv[l], _m.QueryHeads, _m.KvHeads, _m.HeadDim, attn);
        Guard(l, "attention", attn);
        var o = new float[t * hd];
        PackedGemm.Run(attn, t, w.Output, o);
        Guard(l, "o-proj", o);
        TensorPrimitives.Add(x, o, x);

        long moeStart = Stopwatch.GetTimestamp();
        SimdNorm.RmsNorm(x, t, w.FfnNorm, xn);
        Guard(l, "ffn-norm", xn);
        var logits = new float[t * _m.Experts];
        PackedGemm.Run(xn, t, w.Router, logits);
        Guard(l, "router", logits);
        var routing = SimdRouter.Route(logits, t, _m.Experts, _m.TopK, _m.RenormalizeTopK);
        for (int e = 0; e < _m.Experts; e++) expertRows[e] = routing.RowsOf(e);
        var xs = SimdExperts.Gather(xn, routing, hd);
        var ys = new float[xs.Length];
        SimdExperts.Ffn(xs, routing.Offsets, w.Experts, hd, _m.ExpertFfnSize, ys);
        Guard(l, "expert-ffn", ys);
        SimdExperts.CombineInto(x, ys, routing, hd);
        Guard(l, "combine", x);
        double moe = Stopwatch.GetElapsedTime(moeStart).TotalSeconds;
        for (int i = 0; i < t; i++) x.AsSpan(i * hd, hd).CopyTo(hidden.AsSpan(rows[i] * hd, hd));
        return moe;
    }

    private int[] LmHead(IterationBatch batch, float[] hidden)
    {
        int n = batch.EmitRows.Length, hd = _m.HiddenSize;
        if (n == 0) return [];
        var x = new float[n * hd];
        for (int i = 0; i < n; i++) hidden.AsSpan(batch.EmitRows[i] * hd, hd).CopyTo(x.AsSpan(i * hd, hd));
        var xn = new float[n * hd];
        SimdNorm.RmsNorm(x, n, _finalNorm, xn);
        var logits = new float[n * _m.VocabSize];
        PackedGemm.Run(xn, n, _lmHead, logits);
        Guard(-1, "lm-head", logits);
        return SimdLmHead.Argmax(logits, n, _m.VocabSize);
    }

    private static void Guard(int layer, string kernel, float[] values)
    {
        if (!SimdNorm.AllFinite(values)) throw new NonFiniteActivationException(layer, kernel);
    }

    /// <inheritdoc/>
    public void DropHidden(int requestId)
    {
        foreach (var key in _hidden.Keys.Where(k => k.Request == requestId).ToList()) _hidden.Remove(key);
    }

    /// <inheritdoc/>
    public float[] ReadKv(int layer, IReadOnlyList<int> blocks, int tokens)
    {
        var pool = _kv[layer];
        int w = pool.KvWidth;
        var result = new float[2 * tokens * w];
        var table = blocks.ToArray();
        for (int p = 0; p < tokens; p++)
        {
            int off = (int)SimdKvPool.Offset(table, p, w);
            pool.Keys.AsSpan(off, w).CopyTo(result.AsSpan(p * w, w));
            pool.Values.AsSpan(off, w).CopyTo(result.AsSpan((tokens + p) * w, w));
        }
        return result;
    }

    /// <inheritdoc/>
    public void Dispose() { }
}

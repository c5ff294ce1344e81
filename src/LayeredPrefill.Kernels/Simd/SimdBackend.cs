using System.Diagnostics;
using System.Numerics.Tensors;
using LayeredPrefill.Models;

namespace LayeredPrefill.Kernels.Simd;

/// <summary>CPU backend: TensorPrimitives for vector ops, the packed FMA micro-kernel for GEMMs; weight matrices in bf16, everything else fp32.</summary>
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
    private readonly Scratch _scratch = new();

    /// <inheritdoc/>
    public string Name => "simd";
    /// <inheritdoc/>
    public string DeviceName => $"CPU, {Environment.ProcessorCount} threads, {(System.Runtime.Intrinsics.X86.Fma.IsSupported ? "AVX2+FMA" : "scalar FMA")}";
    /// <inheritdoc/>
    public WeightDtype WeightDtype => WeightDtype.Bf16;

    /// <inheritdoc/>
    public WeightDtype KvDtype => WeightDtype.Fp32;

    /// <summary>Packs drawn (and perhaps edited) weights and allocates a KV pool of <paramref name="kvBlocks"/> blocks per layer.</summary>
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

    /// <summary>Draws the weights of <paramref name="model"/> from <paramref name="seed"/> straight into packed bf16: the same values
    /// as <see cref="MoeWeights.Create"/>, without its fp32 copy (small-moe: 1.7 GB of bf16 panels instead of 3.3 GB drawn in fp32 and then 1.7 GB packed).</summary>
    public SimdBackend(MoeModel model, long seed, int kvBlocks, RopeTable rope)
    {
        MoeWeights.RequireSupported(model, "kernel engine");
        _m = model;
        _qkvWidth = MoeWeights.QkvWidthOf(model);
        _layers = Enumerable.Range(0, model.Layers).Select(l => SimdLayer.Draw(model, seed, l, _qkvWidth)).ToArray();
        _kv = Enumerable.Range(0, model.Layers).Select(_ => new SimdKvPool(kvBlocks, model.KvHeads * model.HeadDim)).ToArray();
        _embedding = new float[(long)model.VocabSize * model.HiddenSize];
        CounterRandom.Fill(_embedding, seed, WeightStreams.Embedding, WeightStreams.EmbeddingScale);
        _finalNorm = new float[model.HiddenSize];
        CounterRandom.Fill(_finalNorm, seed, WeightStreams.FinalNorm, WeightStreams.NormScale, WeightStreams.NormOffset);
        _lmHead = PackedMatrix.Draw(model.HiddenSize, model.VocabSize, i => MoeWeights.MatrixValue(seed, WeightStreams.LmHead, model.HiddenSize, i));
        _rope = rope;
    }

    /// <summary>Bytes the backend holds for <paramref name="model"/>: bf16 packed matrices, fp32 norms, embedding and KV pool.</summary>
    public static long BytesNeeded(MoeModel model, int kvBlocks)
    {
        int h = model.HiddenSize, f = model.ExpertFfnSize, qkv = MoeWeights.QkvWidthOf(model), qd = model.QueryHeads * model.HeadDim;
        long layer = PackedMatrix.BytesFor(h, qkv) + PackedMatrix.BytesFor(qd, h) + PackedMatrix.BytesFor(h, model.Experts)
            + model.Experts * (PackedMatrix.BytesFor(h, 2 * f) + PackedMatrix.BytesFor(f, h)) + 2L * h * 4;
        return model.Layers * layer + EngineOptions.KvPoolBytes(model, kvBlocks) + (long)model.VocabSize * h * 4 + PackedMatrix.BytesFor(h, model.VocabSize);
    }

    /// <inheritdoc/>
    public BackendStep Run(IterationBatch batch)
    {
        int hd = _m.HiddenSize;
        var hidden = _scratch.Get("hidden", (long)batch.Rows * hd);
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
        // Reused buffers (see Scratch): every use below names its exact length, never the array's.
        var x = _scratch.Get("x", (long)t * hd);
        for (int i = 0; i < t; i++) hidden.AsSpan(rows[i] * hd, hd).CopyTo(x.AsSpan(i * hd, hd));
        var positions = rows.Select(r => batch.Positions[r]).ToArray();

        var xn = _scratch.Get("xn", (long)t * hd);
        SimdNorm.RmsNorm(x, t, w.AttentionNorm, xn);
        Guard(l, "attn-norm", xn, t * hd);
        var qkv = _scratch.Get("qkv", (long)t * _qkvWidth);
        PackedGemm.Run(xn, t, w.Qkv, qkv);
        SimdRope.Apply(qkv, t, _qkvWidth, _m.QueryHeads + _m.KvHeads, _m.HeadDim, positions, _rope);
        Guard(l, "qkv-proj+rope", qkv, t * _qkvWidth);
        SimdAttention.WriteKv(qkv, t, _qkvWidth, qWidth, rows, batch, _kv[l]);
        var attn = _scratch.Get("attn", (long)t * qWidth);
        SimdAttention.Run(qkv, t, _qkvWidth, rows, batch, _kv[l], _m.QueryHeads, _m.KvHeads, _m.HeadDim, attn);
        Guard(l, "attention", attn, t * qWidth);
        var o = _scratch.Get("o", (long)t * hd);
        PackedGemm.Run(attn, t, w.Output, o);
        Guard(l, "o-proj", o, t * hd);
        TensorPrimitives.Add(x.AsSpan(0, t * hd), o.AsSpan(0, t * hd), x.AsSpan(0, t * hd));

        long moeStart = Stopwatch.GetTimestamp();
        SimdNorm.RmsNorm(x, t, w.FfnNorm, xn);
        Guard(l, "ffn-norm", xn, t * hd);
        var logits = _scratch.Get("logits", (long)t * _m.Experts);
        PackedGemm.Run(xn, t, w.Router, logits);
        Guard(l, "router", logits, t * _m.Experts);
        var routing = SimdRouter.Route(logits, t, _m.Experts, _m.TopK, _m.RenormalizeTopK);
        for (int e = 0; e < _m.Experts; e++) expertRows[e] = routing.RowsOf(e);
        int sorted = routing.SortedTokens.Length;
        var xs = SimdExperts.Gather(xn, routing, hd, _scratch.Get("xs", (long)sorted * hd));
        var ys = _scratch.Get("ys", (long)sorted * hd);
        SimdExperts.Ffn(xs, routing.Offsets, w.Experts, hd, _m.ExpertFfnSize, ys, -1, _scratch);
        Guard(l, "expert-ffn", ys, sorted * hd);
        SimdExperts.CombineInto(x, ys, routing, hd);
        Guard(l, "combine", x, t * hd);
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

    private static void Guard(int layer, string kernel, float[] values, int length = -1)
    {
        if (!SimdNorm.AllFinite(length < 0 ? values : values.AsSpan(0, length))) throw new NonFiniteActivationException(layer, kernel);
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

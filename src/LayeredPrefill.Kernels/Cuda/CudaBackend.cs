using System.Diagnostics;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using LayeredPrefill.Kernels.Ilgpu;
using LayeredPrefill.Models;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>Host and GPU time of one CUDA iteration.</summary>
/// <param name="PrepareSeconds">Host work before the first launch: the batch's plans and metadata uploads.</param>
/// <param name="LaunchSeconds">Queuing every kernel (the GPU runs meanwhile).</param>
/// <param name="WaitSeconds">Waiting for the GPU after the last launch.</param>
/// <param name="ReadbackSeconds">Tokens, counts, flags and event times back to the host.</param>
/// <param name="GpuSeconds">The GPU's span from the first to the last event.</param>
public sealed record CudaIterationTimes(double PrepareSeconds, double LaunchSeconds, double WaitSeconds, double ReadbackSeconds, double GpuSeconds);

/// <summary>
/// The <c>ilgpu-cuda</c> backend: whole transformer layers in bf16 on tensor cores (f32 accumulate): RMSNorm, the QKV projection,
/// RoPE with the paged KV write, attention (tensor-core prefill over the context before the slice, split-KV decode), the
/// output projection with its residual, routing and the expert FFN (the grouped tile GEMMs), the residual top-k combine,
/// final norm, LM head and greedy sampling. One stream; the host uploads each iteration's metadata once, and reads back only
/// the tokens, the per-layer expert counts, the non-finite flags and the per-layer event times.
/// Every kernel computes a row independently of the rest of the batch (fixed reduction orders, one GEMM kernel at every size,
/// attention splits set by a row's own context); with <see cref="EngineOptions.BatchInvariant"/> the router's K split is fixed
/// too, and then chunked, layered and prefill-first give bit-identical tokens and KV.
/// </summary>
public sealed class CudaBackend : IMoeBackend
{
    /// <summary>Router K splits at every batch size in batch-invariant mode (see <see cref="CudaMoeLayer.FixedRouterSplits"/>).</summary>
    public const int InvariantRouterSplits = 8;

    private readonly CudaSession _session;
    private readonly CudaModelKernels _k;
    private readonly MoeModel _m;
    private readonly MoeShape _shape;
    private readonly CudaMoeLayer _moe;
    private readonly CudaModelWeights _w;
    private readonly MemoryBuffer1D<ushort, Stride1D.Dense>[] _keys, _values;
    private readonly MoeWorkspace _ws;
    private readonly DeviceScratch _s;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _cos, _sin;
    private readonly Dictionary<(int Request, int Start), MemoryBuffer1D<float, Stride1D.Dense>> _hidden = [];
    private readonly Dictionary<long, Stack<MemoryBuffer1D<float, Stride1D.Dense>>> _hiddenPool = [];
    private readonly EventClock _clock;
    private readonly OpProfile _profile;
    private OpProfile? _ops;
    private readonly NvmlEnergy? _nvml;
    private readonly AttentionArgs _attention;
    private readonly int _qkvWidth, _queryWidth, _maxTokens, _splitTokens;
    private ulong _lastMillijoules;

    /// <inheritdoc/>
    public string Name => "ilgpu-cuda";
    /// <inheritdoc/>
    public string DeviceName => _session.Accelerator.Name;
    /// <inheritdoc/>
    public WeightDtype WeightDtype => WeightDtype.Bf16;

    /// <summary>The accelerator (for tests and benchmarks that time around it).</summary>
    public CudaAccelerator Accelerator => _session.Accelerator;

    /// <summary>Refuses shapes this backend cannot run, with the reason.</summary>
    public static void RequireSupported(MoeModel m, string where)
    {
        MoeWeights.RequireSupported(m, where);
        void Require(bool ok, string what) { if (!ok) throw new UserInputException($"{where}: model '{m.Name}' {what} (backend ilgpu-cuda)"); }
        Require(m.SwigluClampLimit == 0, "clamps its SwiGLU, which the tensor-core experts do not");
        Require(m.HeadDim is 64 or 128, $"has head dim {m.HeadDim}; the attention kernels take 64 or 128");
        int group = m.QueryHeads / m.KvHeads;
        Require(group % 4 == 0, $"has {group} query heads per KV head; the attention kernel takes a multiple of 4");
        Require(MoeWeights.QkvWidthOf(m) % GroupedGemmKernelV7.BlockCols == 0 && m.HiddenSize % GroupedGemmKernelV7.BlockCols == 0,
            $"has projection widths that are not multiples of {GroupedGemmKernelV7.BlockCols}");
        new MoeShape(m.HiddenSize, m.Experts, m.ExpertFfnSize, m.TopK).Validate($"{where}: model '{m.Name}'");
    }

    /// <summary>Device bytes for the weights, a KV pool of <paramref name="kvBlocks"/> blocks and activations for <paramref name="maxTokens"/> rows.</summary>
    public static long BytesNeeded(MoeModel m, int kvBlocks, int maxTokens) =>
        CudaModelWeights.Bytes(m) + KvBytesPerBlock(m) * kvBlocks + WorkspaceBytesPerToken(m) * maxTokens;

    /// <summary>KV bytes of one block of 16 tokens over all layers (bf16 keys and values).</summary>
    public static long KvBytesPerBlock(MoeModel m) => 2L * IterationBatch.BlockTokens * m.KvHeads * m.HeadDim * 2 * m.Layers;

    /// <summary>Activation bytes per batch row (the MoE workspace, hidden and compact rows, QKV, query and attention rows).</summary>
    public static long WorkspaceBytesPerToken(MoeModel m)
    {
        long h = m.HiddenSize, k = m.TopK, qd = (long)m.QueryHeads * m.HeadDim;
        long moe = 2 * h + 4L * MoeWorkspace.MaxRouterSplits * m.Experts + 24 * k + 2 * k * m.ExpertFfnSize + 4 * k * h + 4 * h;
        return moe + 8 * h + 4L * MoeWeights.QkvWidthOf(m) + 4 * qd;
    }

    /// <summary>Opens GPU 0, draws the weights on it and allocates the KV pool and the activations for <paramref name="maxTokens"/> rows.</summary>
    public CudaBackend(MoeModel model, EngineOptions options, RopeTable rope, int maxTokens)
    {
        RequireSupported(model, "--model");
        _m = model;
        _maxTokens = maxTokens;
        _splitTokens = options.DecodeSplitTokens > 0 && options.DecodeSplitTokens % AttentionKernel.KvTile == 0 ? options.DecodeSplitTokens
            : throw new UserInputException($"decode split must be a positive multiple of {AttentionKernel.KvTile} tokens (got {options.DecodeSplitTokens})");
        _session = CudaSession.Open();
        try
        {
            var acc = _session.Accelerator;
            _k = new CudaModelKernels(_session.Kernels);
            _shape = new MoeShape(model.HiddenSize, model.Experts, model.ExpertFfnSize, model.TopK);
            _moe = new CudaMoeLayer(_session.Kernels, _shape) { FixedRouterSplits = options.BatchInvariant ? InvariantRouterSplits : 0 };
            _w = new CudaModelWeights(_k, model, _shape, options.Seed);
            long kvElements = (long)options.KvBlocks * model.KvHeads * IterationBatch.BlockTokens * model.HeadDim;
            _keys = new MemoryBuffer1D<ushort, Stride1D.Dense>[model.Layers];
            _values = new MemoryBuffer1D<ushort, Stride1D.Dense>[model.Layers];
            for (int l = 0; l < model.Layers; l++)
            {
                _keys[l] = acc.Allocate1D<ushort>(kvElements);
                _values[l] = acc.Allocate1D<ushort>(kvElements);
                _keys[l].MemSetToZero();
                _values[l].MemSetToZero();
            }
            _ws = new MoeWorkspace(_session.Kernels, _shape, maxTokens);
            _s = new DeviceScratch(acc);
            _qkvWidth = MoeWeights.QkvWidthOf(model);
            _queryWidth = model.QueryHeads * model.HeadDim;
            // The big activations are allocated now, so no iteration pays for growing them.
            _s.Get<float>("hidden", (long)maxTokens * model.HiddenSize);
            _s.Get<float>("qkv", (long)maxTokens * _qkvWidth);
            _s.Get<uint>("q", (long)maxTokens * _queryWidth / 2);
            _s.Get<uint>("attn", (long)maxTokens * _queryWidth / 2);
            _cos = acc.Allocate1D(rope.Cos);
            _sin = acc.Allocate1D(rope.Sin);
            _attention = new AttentionArgs
            {
                QueryHeads = model.QueryHeads, KvHeads = model.KvHeads, HeadDim = model.HeadDim,
                ScaleLog2 = (float)(1.0 / Math.Sqrt(model.HeadDim) / Math.Log(2.0)),
            };
            _clock = new EventClock((CudaStream)acc.DefaultStream, 3 * model.Layers + 2);
            _profile = new OpProfile(new EventClock((CudaStream)acc.DefaultStream, OpProfile.OpsPerLayer * model.Layers + 16));
            if (options.ProfileOps) _ops = _profile;
            _nvml = NvmlEnergy.TryOpen(0, out _);
            acc.Synchronize();
            _lastMillijoules = _nvml?.Millijoules() ?? 0;
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public BackendStep Run(IterationBatch batch)
    {
        if (batch.Rows > _maxTokens)
            throw new InvalidOperationException($"iteration of {batch.Rows} rows exceeds the {_maxTokens} rows the CUDA backend was sized for");
        long start = Stopwatch.GetTimestamp();
        var acc = _session.Accelerator;
        var stream = acc.DefaultStream;
        int hd = _m.HiddenSize, layers = _m.Layers;
        var hidden = _s.Get<float>("hidden", (long)batch.Rows * hd);
        var tokens = _s.Upload("tokens", batch.TokenIds);
        var blockTable = _s.Upload("blockTable", batch.BlockTable);
        var flags = _s.Get<int>("flags", layers + 1);
        var counts = _s.Get<int>("expertRows", (long)layers * _m.Experts);
        flags.MemSetToZero();
        counts.MemSetToZero();

        var (plans, planOf) = LayerPlan.Build(batch, layers, _splitTokens);
        var planViews = plans.Select((p, i) => Upload(p, i)).ToArray();
        var emitRows = _s.Upload("emitRows", batch.EmitRows);
        long prepared = Stopwatch.GetTimestamp();

        _clock.Mark(3 * layers);
        _ops?.Begin();
        var embedRows = batch.Segments.Where(s => !s.LoadsHidden).SelectMany(s => Enumerable.Range(s.RowStart, s.RowCount)).ToArray();
        if (embedRows.Length > 0)
            _k.Embed(stream, embedRows.Length * hd / 2, _s.Upload("embedRows", embedRows), tokens, _w.Embedding.View, hidden, hd);
        _ops?.Mark("embed");
        foreach (var seg in batch.Segments.Where(s => s.LoadsHidden))
        {
            if (!_hidden.Remove((seg.RequestId, seg.SliceStart), out var kept))
                throw new InvalidOperationException($"request {seg.RequestId}: no hidden states kept for the slice at {seg.SliceStart}");
            kept.View.CopyTo(hidden.SubView((long)seg.RowStart * hd, (long)seg.RowCount * hd).AsDense());
            ReturnHidden(kept);
        }

        for (int l = 0; l < layers; l++)
        {
            if (planOf[l] < 0) continue;
            var plan = plans[planOf[l]];
            var views = planViews[planOf[l]];
            int t = plan.Rows.Length;
            _clock.Mark(3 * l);
            var x = hidden.SubView(0, (long)t * hd);
            if (!plan.IsPrefix)
            {
                x = _s.Get<float>("compact", (long)t * hd);
                _k.GatherRows(stream, t * hd, hidden, views.RowMap, x, hd);
                _ops?.Mark("row-gather");
            }
            RunLayer(l, plan, views, x, blockTable, flags, counts);
            if (!plan.IsPrefix) { _k.ScatterRows(stream, t * hd, x, views.RowMap, hidden, hd); _ops?.Mark("row-scatter"); }
            _clock.Mark(3 * l + 2);
        }
        foreach (var seg in batch.Segments.Where(s => s.StoresHidden))
        {
            var keep = RentHidden((long)seg.RowCount * hd);
            hidden.SubView((long)seg.RowStart * hd, (long)seg.RowCount * hd).AsDense().CopyTo(keep.View);
            _hidden[(seg.RequestId, seg.SliceStart)] = keep;
        }
        var emitted = LmHead(batch, hidden, emitRows, flags);
        _ops?.Mark("lm-head");
        _clock.Mark(3 * layers + 1);
        long launched = Stopwatch.GetTimestamp();
        acc.Synchronize();
        long finished = Stopwatch.GetTimestamp();

        var tokensOut = batch.EmitRows.Length == 0 ? [] : emitted.AsDense().GetAsArray1D();
        ThrowOnFlags(flags.AsDense().GetAsArray1D());
        var expertCounts = counts.AsDense().GetAsArray1D();
        var layerSeconds = new double[layers];
        var moeSeconds = new double[layers];
        for (int l = 0; l < layers; l++)
        {
            if (planOf[l] < 0) continue;
            layerSeconds[l] = _clock.Seconds(3 * l, 3 * l + 2);
            moeSeconds[l] = _clock.Seconds(3 * l + 1, 3 * l + 2);
        }
        var step = new BackendStep(tokensOut, Enumerable.Range(0, layers).Select(l => expertCounts.AsSpan(l * _m.Experts, _m.Experts).ToArray()).ToArray(),
            layerSeconds, moeSeconds, EnergySinceLastStep());
        _ops?.Collect();
        double S(long a, long b) => Stopwatch.GetElapsedTime(a, b).TotalSeconds;
        LastTimes = new CudaIterationTimes(S(start, prepared), S(prepared, launched), S(launched, finished), S(finished, Stopwatch.GetTimestamp()),
            _clock.Seconds(3 * layers, 3 * layers + 1));
        return step;
    }

    /// <summary>GPU seconds per op summed over every profiled <see cref="Run"/> since the last reset (null while not profiling).</summary>
    public IReadOnlyDictionary<string, (double Seconds, int Calls)>? OpSeconds => _ops?.Totals;

    /// <summary>Forgets the op totals.</summary>
    public void ResetOpSeconds() => _profile.Reset();

    /// <summary>Whether each run records an event after every op (a little host time per op; for finding where time goes).</summary>
    public bool ProfileOps
    {
        get => _ops is not null;
        set => _ops = value ? _profile : null;
    }

    /// <summary>Where the last <see cref="Run"/>'s time went.</summary>
    public CudaIterationTimes? LastTimes { get; private set; }

    private void RunLayer(int l, LayerPlan plan, PlanViews v, ArrayView<float> x, ArrayView<int> blockTable, ArrayView<int> flags, ArrayView<int> counts)
    {
        var stream = _session.Accelerator.DefaultStream;
        var w = _w.Layers[l];
        int t = plan.Rows.Length, hd = _m.HiddenSize, half = _m.HeadDim / 2;
        var xn = _ws.X.View.SubView(0, (long)t * hd / 2);
        var dummy = _s.Get<int>("dummyInts", 4);
        var dummyF = _s.Get<float>("dummyFloats", 4);
        var dummyP = _s.Get<uint>("dummyPairs", 4);
        var qkv = _s.Get<float>("qkv", (long)t * _qkvWidth);
        var q = _s.Get<uint>("q", (long)t * _queryWidth / 2);
        var attn = _s.Get<uint>("attn", (long)t * _queryWidth / 2);

        _k.RmsNorm(new KernelConfig(t, ModelKernels.RowThreads), x, dummy, 0, w.AttentionNorm.View, xn, hd);
        _ops?.Mark("attn-norm");
        _moe.Dense(GemmMode.Dense, Chunks(xn), Chunks(w.Qkv.View), _qkvWidth, hd, t, v.DenseTiles, v.DenseTileCount, qkv, dummy, dummyF, dummyP);
        _ops?.Mark("qkv-proj");
        _k.RopeWriteKv(stream, t * (_m.QueryHeads + _m.KvHeads) * half, qkv, v.Positions, v.TableOffsets, blockTable, _cos.View, _sin.View,
            q.Cast<ushort>(), _keys[l].View, _values[l].View, _m.QueryHeads, _m.KvHeads, _m.HeadDim);
        _ops?.Mark("rope+kv-write");
        if (plan.TileCount > 0)
        {
            var partial = _s.Get<float>("attentionPartial", (long)Math.Max(1, plan.SplitCount) * _m.QueryHeads * AttentionKernel.PartialStride(_m.HeadDim));
            _k.Attention(new KernelConfig(new Index2D(_m.QueryHeads / 4, plan.TileCount), new Index2D(AttentionKernel.Threads, 1)),
                _attention, v.Tiles, Chunks(q), ((ArrayView<ushort>)_keys[l].View).Cast<U4>(), ((ArrayView<ushort>)_values[l].View).Cast<U4>(), blockTable, attn, partial);
            if (plan.DecodeRowCount > 0)
                _k.AttentionCombine(stream, plan.DecodeRowCount * _queryWidth, _attention, v.DecodeRows, partial, attn.Cast<ushort>());
        }
        _ops?.Mark("attention");
        _moe.Dense(GemmMode.DenseAdd, Chunks(attn), Chunks(w.Output.View), hd, _queryWidth, t, v.DenseTiles, v.DenseTileCount, x, dummy, dummyF, dummyP);
        _ops?.Mark("o-proj");
        _clock.Mark(3 * l + 1);

        _k.RmsNorm(new KernelConfig(t, ModelKernels.RowThreads), x, dummy, 0, w.FfnNorm.View, xn, hd);
        _ops?.Mark("ffn-norm");
        Action<string>? mark = _ops is null ? null : _ops.Mark;
        _moe.Route(w.Moe, _ws, t, mark);
        _ws.Counts.View.CopyTo(counts.SubView((long)l * _m.Experts, _m.Experts).AsDense());
        _moe.ExpertGemms(w.Moe, _ws, t, mark);
        _k.CombineAdd(stream, t * hd / 2, CudaMoeLayer.PerSlotPairs(_ws), hd, _m.TopK, dummy, 0, x, flags, l);
        _ops?.Mark("combine");
    }

    private ArrayView<int> LmHead(IterationBatch batch, ArrayView<float> hidden, ArrayView<int> emitRows, ArrayView<int> flags)
    {
        int n = batch.EmitRows.Length, hd = _m.HiddenSize, vp = _w.PaddedVocab;
        if (n == 0) return default;
        var stream = _session.Accelerator.DefaultStream;
        var xe = _s.Get<uint>("lmInput", (long)n * hd / 2);
        _k.RmsNorm(new KernelConfig(n, ModelKernels.RowThreads), hidden, emitRows, 1, _w.FinalNorm.View, xe, hd);
        var tiles = _s.Get<int>("lmTiles", 3L * ((n + GroupedGemmKernel.TileRows - 1) / GroupedGemmKernel.TileRows));
        var tileCount = _s.Get<int>("lmTileCount", 1);
        _k.DenseTiles(stream, (n + GroupedGemmKernel.TileRows - 1) / GroupedGemmKernel.TileRows, tiles, tileCount, n);
        var logits = _s.Get<float>("logits", (long)n * vp);
        _moe.Dense(GemmMode.Dense, Chunks(xe), Chunks(_w.LmHead.View), vp, hd, n, tiles, tileCount, logits,
            _s.Get<int>("dummyInts", 4), _s.Get<float>("dummyFloats", 4), _s.Get<uint>("dummyPairs", 4));
        _k.FlagNonFinite(stream, n * vp, logits, flags, _m.Layers);
        var result = _s.Get<int>("argmax", n);
        _k.Argmax(new KernelConfig(n, ModelKernels.RowThreads), logits, result, _m.VocabSize, vp);
        return result;
    }

    private sealed record PlanViews(ArrayView<int> RowMap, ArrayView<int> Positions, ArrayView<int> TableOffsets, ArrayView<int> Tiles,
        ArrayView<int> DecodeRows, ArrayView<int> DenseTiles, ArrayView<int> DenseTileCount);

    private PlanViews Upload(LayerPlan p, int index)
    {
        int t = p.Rows.Length, tiles = (t + GroupedGemmKernel.TileRows - 1) / GroupedGemmKernel.TileRows;
        var denseTiles = _s.Get<int>($"denseTiles{index}", 3L * tiles);
        var denseCount = _s.Get<int>($"denseTileCount{index}", 1);
        _k.DenseTiles(_session.Accelerator.DefaultStream, tiles, denseTiles, denseCount, t);
        return new PlanViews(_s.Upload($"rowMap{index}", p.Rows), _s.Upload($"positions{index}", p.Positions), _s.Upload($"tableOffsets{index}", p.TableOffsets),
            _s.Upload($"tiles{index}", p.Tiles), _s.Upload($"decodeRows{index}", p.DecodeRows), denseTiles, denseCount);
    }

    private static ArrayView<U4> Chunks(ArrayView<uint> pairs) => pairs.Cast<U4>();

    private MemoryBuffer1D<float, Stride1D.Dense> RentHidden(long length)
    {
        if (_hiddenPool.TryGetValue(length, out var free) && free.Count > 0) return free.Pop();
        return _session.Accelerator.Allocate1D<float>(length);
    }

    private void ReturnHidden(MemoryBuffer1D<float, Stride1D.Dense> buffer)
    {
        if (!_hiddenPool.TryGetValue(buffer.Length, out var free)) _hiddenPool[buffer.Length] = free = new Stack<MemoryBuffer1D<float, Stride1D.Dense>>();
        free.Push(buffer);
    }

    // The counter's rise since the last step: NVML updates it every 20-100 ms, so single steps read lumpy values, but they add
    // up to the whole run's energy exactly (the host work between steps included).
    private double? EnergySinceLastStep()
    {
        if (_nvml is null) return null;
        ulong now = _nvml.Millijoules();
        double joules = now > _lastMillijoules ? (now - _lastMillijoules) / 1000.0 : 0;
        _lastMillijoules = Math.Max(now, _lastMillijoules);
        return joules;
    }

    private void ThrowOnFlags(int[] flags)
    {
        for (int i = 0; i < flags.Length; i++)
            if (flags[i] != 0) throw i == _m.Layers ? new NonFiniteActivationException(-1, "lm-head") : new NonFiniteActivationException(i, "layer output");
    }

    /// <inheritdoc/>
    public void DropHidden(int requestId)
    {
        foreach (var key in _hidden.Keys.Where(k => k.Request == requestId).ToList())
        {
            ReturnHidden(_hidden[key]);
            _hidden.Remove(key);
        }
    }

    /// <inheritdoc/>
    public float[] ReadKv(int layer, IReadOnlyList<int> blocks, int tokens)
    {
        int kvh = _m.KvHeads, d = _m.HeadDim, w = kvh * d;
        var keys = _keys[layer].GetAsArray1D();
        var values = _values[layer].GetAsArray1D();
        var result = new float[2 * tokens * w];
        for (int p = 0; p < tokens; p++)
            for (int h = 0; h < kvh; h++)
            {
                long src = (((long)blocks[p / IterationBatch.BlockTokens] * kvh + h) * IterationBatch.BlockTokens + p % IterationBatch.BlockTokens) * d;
                for (int e = 0; e < d; e++)
                {
                    result[(long)p * w + h * d + e] = Bf16.ToFloat(keys[src + e]);
                    result[(long)(tokens + p) * w + h * d + e] = Bf16.ToFloat(values[src + e]);
                }
            }
        return result;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var b in _hidden.Values) b.Dispose();
        foreach (var b in _hiddenPool.Values.SelectMany(s => s)) b.Dispose();
        foreach (var b in _keys.Concat(_values)) b.Dispose();
        _w.Dispose();
        _ws.Dispose();
        _s.Dispose();
        _cos.Dispose();
        _sin.Dispose();
        _clock.Dispose();
        _profile.Dispose();
        _nvml?.Dispose();
        _session.Dispose();
    }
}

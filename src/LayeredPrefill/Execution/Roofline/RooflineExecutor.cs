using LayeredPrefill.Models;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Execution.Roofline;

/// <summary>Prices an <see cref="IterationPlan"/> op by op with a roofline: each op takes max(bytes/bandwidth, FLOPs/compute) plus a launch cost.</summary>
/// <remarks>
/// Every GPU of a tensor-parallel group does the same share of every op at the same time, so the
/// iteration lasts as long as one GPU's ops in sequence plus two all-reduces per layer; traffic,
/// FLOPs and energy are that one GPU's figures times the GPU count. A layer no token passes this
/// iteration (outside a layered prefill's group, no decodes) costs nothing.
/// Not thread-safe (it reuses a scratch buffer): one executor per simulation.
/// </remarks>
public sealed class RooflineExecutor : IExecutor
{
    private readonly MoeModel _model;
    private readonly DeviceProfile _device;
    private readonly int _tp;
    private readonly IExpertRouting _routing;
    private readonly bool _perLayerDetail;
    private readonly RooflineLayerShape[] _layers;
    private readonly double[] _bytesPerSecond;
    private readonly double[] _flopsPerSecond;
    private readonly double[] _launchSeconds;
    // Rate slot of each layer's QKV, O and dense-FFN GEMM: the DenseGemm class, or a slot after the classes for a shaped efficiency.
    private readonly int[] _qkvSlot, _oSlot, _ffnSlot;
    private readonly int _pagedPrefillSlot;
    private readonly ExpertEfficiencyCurve? _expertCurve;
    private readonly EngineOverhead _overhead;
    private readonly double _expertBytesPerGpu;
    private readonly double _hiddenBytes;
    private double[] _prefillPairs = new double[16];
    private readonly OpClass[] _slotClass;
    private int _layer = -1;

    /// <summary>Called with every op the executor prices (a calibration fits measured op times to this exact accounting).</summary>
    public Action<RooflineOp>? Observer { get; init; }

    /// <summary>A roofline executor for <paramref name="model"/> on <paramref name="tensorParallel"/> GPUs of kind <paramref name="device"/>.</summary>
    /// <param name="perLayerDetail">Fill <see cref="IterationCost.Layers"/> (costs an allocation per iteration).</param>
    public RooflineExecutor(MoeModel model, DeviceProfile device, int tensorParallel, IExpertRouting routing, bool perLayerDetail = false)
    {
        ValidateTensorParallel(model, tensorParallel);
        _model = model;
        _device = device;
        _tp = tensorParallel;
        _routing = routing;
        _perLayerDetail = perLayerDetail;
        _layers = new RooflineLayerShape[model.Layers];
        for (int layer = 0; layer < model.Layers; layer++) _layers[layer] = RooflineLayerShape.Of(model, layer, tensorParallel);

        // Slots 0..classes-1 are the op classes in enum order (Op(OpClass) indexes them by value).
        var slots = Enum.GetValues<OpClass>().Select(op => device.For(op)).ToList();
        var shapedSlot = new Dictionary<OpEfficiency, int>();
        int Slot(double weightBytes)
        {
            var e = device.For(OpClass.DenseGemm, weightBytes);
            if (ReferenceEquals(e, device.For(OpClass.DenseGemm))) return (int)OpClass.DenseGemm;
            if (!shapedSlot.TryGetValue(e, out int slot)) { slot = slots.Count; slots.Add(e); shapedSlot[e] = slot; }
            return slot;
        }
        _qkvSlot = _layers.Select(l => Slot(l.QkvWeightBytes)).ToArray();
        _oSlot = _layers.Select(l => Slot(l.OWeightBytes)).ToArray();
        _ffnSlot = _layers.Select(l => Slot(l.FfnWeightBytes)).ToArray();
        _pagedPrefillSlot = (int)OpClass.Attention;
        if (device.PagedPrefillAttention is { } paged) { _pagedPrefillSlot = slots.Count; slots.Add(paged); }
        _expertCurve = device.ExpertCurve;
        _overhead = device.Overhead ?? EngineOverhead.None;
        _bytesPerSecond = slots.Select(e => device.PeakMemoryBytesPerSecond * e.MemoryFraction).ToArray();
        _flopsPerSecond = slots.Select(e => device.PeakMatrixFlopsPerSecond * e.ComputeFraction).ToArray();
        _launchSeconds = slots.Select(e => e.LaunchOverheadSeconds).ToArray();
        _slotClass = Enumerable.Range(0, slots.Count).Select(i => i < Enum.GetValues<OpClass>().Length ? (OpClass)i : i == _pagedPrefillSlot ? OpClass.Attention : OpClass.DenseGemm).ToArray();
        _expertBytesPerGpu = (double)model.ExpertBytes / tensorParallel;
        _hiddenBytes = (double)model.HiddenSize * model.BytesPerWeight;
    }

    /// <inheritdoc />
    public string Name => "roofline";

    /// <summary>The model being priced.</summary>
    public MoeModel Model => _model;

    /// <summary>The GPU kind.</summary>
    public DeviceProfile Device => _device;

    /// <summary>GPUs in the tensor-parallel group.</summary>
    public int TensorParallel => _tp;

    /// <summary>Refuses a TP degree that does not split the heads: one line naming --tp.</summary>
    public static void ValidateTensorParallel(MoeModel model, int tensorParallel)
    {
        if (tensorParallel < 1)
            throw new UserInputException($"--tp: must be >= 1 (got {tensorParallel})");
        if (model.QueryHeads % tensorParallel != 0)
            throw new UserInputException($"--tp: {tensorParallel} does not divide the {model.QueryHeads} query heads of {model.Name}");
        if (model.UsesLatentAttention) return; // the latent KV is replicated, any head split works
        bool splits = model.KvHeads >= tensorParallel ? model.KvHeads % tensorParallel == 0 : tensorParallel % model.KvHeads == 0;
        if (!splits)
            throw new UserInputException($"--tp: {tensorParallel} neither divides the {model.KvHeads} kv heads of {model.Name} nor is a multiple of them (for replication)");
    }

    /// <inheritdoc />
    public IterationCost Execute(IterationPlan plan)
    {
        if (plan.ModelLayers != _model.Layers)
            throw new ArgumentException($"plan is for {plan.ModelLayers} layers, the model has {_model.Layers}", nameof(plan));
        var window = _model.SlidingWindowTokens;
        var prefills = plan.Prefills;
        var decodes = plan.Decodes;
        int decodeCount = decodes.Count;

        // Attention work of the decodes is the same in every layer of a kind (full or windowed): sum it once.
        double decodeKvFull = 0, decodeKvWindow = 0, decodePairsFull = 0, decodePairsWindow = 0;
        for (int i = 0; i < decodeCount; i++)
        {
            double ctx = decodes[i].ContextTokens;
            decodeKvFull += ctx;
            decodePairsFull += ctx + 1;
            if (window > 0)
            {
                decodeKvWindow += Math.Min(ctx, window);
                decodePairsWindow += Math.Min(ctx + 1, window);
            }
        }
        // Per prefill slice: (query,key) pairs in a full and in a windowed layer.
        if (_prefillPairs.Length < 2 * prefills.Count) _prefillPairs = new double[2 * prefills.Count];
        int enteringTokens = decodeCount, emitting = decodeCount;
        for (int i = 0; i < prefills.Count; i++)
        {
            var p = prefills[i];
            if (p.Layers.Start < 0 || p.Layers.End > _model.Layers)
                throw new ArgumentException($"prefill of request {p.RequestId} runs layers {p.Layers}, the model has {_model.Layers}", nameof(plan));
            _prefillPairs[2 * i] = CausalPairs(p.ContextTokensBefore, p.TokenCount, int.MaxValue);
            _prefillPairs[2 * i + 1] = window > 0 ? CausalPairs(p.ContextTokensBefore, p.TokenCount, window) : 0;
            if (p.Layers.Start == 0 && p.Layers.Count > 0) enteringTokens += p.TokenCount;
            if (p.EmitsToken) emitting++;
        }

        var acc = new Accumulator();
        int leavingTokens = 0, maxLayerTokens = 0;
        List<LayerCost>? details = _perLayerDetail ? new List<LayerCost>(_model.Layers) : null;

        // Embedding rows for the tokens that start at layer 0: read a row, write the hidden state.
        if (enteringTokens > 0)
            Op(OpClass.Elementwise, ref acc, 0, 0, 0, 0, 2 * enteringTokens * _hiddenBytes, 0);

        double dispatchedSeconds = 0, gpuSeconds = acc.Seconds;
        for (int layer = 0; layer < _layers.Length; layer++)
        {
            _layer = layer;
            ref readonly var s = ref _layers[layer];
            bool windowed = s.IsSlidingWindow;
            int prefillTokens = 0;
            double prefillPairs = 0, prefillKvTokens = 0;
            bool paged = false;
            for (int i = 0; i < prefills.Count; i++)
            {
                var p = prefills[i];
                if (!p.Layers.Contains(layer)) continue;
                prefillTokens += p.TokenCount;
                prefillPairs += _prefillPairs[2 * i + (windowed ? 1 : 0)];
                prefillKvTokens += windowed ? Math.Min(p.ContextTokensBefore, window) : p.ContextTokensBefore;
                paged |= p.ContextTokensBefore > 0;
            }
            int tokens = decodeCount + prefillTokens;
            if (tokens == 0) continue;
            if (layer == _layers.Length - 1) leavingTokens = tokens;
            maxLayerTokens = Math.Max(maxLayerTokens, tokens);

            double t = tokens;
            double before = acc.Seconds;
            Op(OpClass.Elementwise, ref acc, 0, s.NormWeightBytes, 0, 0, t * s.NormActivationBytesPerToken, 0);
            Op(_qkvSlot[layer], ref acc, 0, s.QkvWeightBytes, 0, 0, t * s.QkvActivationBytesPerToken, t * s.QkvFlopsPerToken);
            // The engine runs prefill and decode attention as two kernels: a varlen prefill call, which reads the paged
            // cache for the whole batch as soon as one slice has context before it, and a paged decode call.
            double attentionSeconds = 0;
            if (prefillTokens > 0)
                attentionSeconds += Op(paged ? _pagedPrefillSlot : (int)OpClass.Attention, ref acc, 0, 0, prefillKvTokens * s.KvBytesPerToken,
                    prefillTokens * s.KvBytesPerToken, prefillTokens * s.AttentionActivationBytesPerToken, prefillPairs * s.AttentionFlopsPerPair);
            if (decodeCount > 0)
                attentionSeconds += Op(OpClass.Attention, ref acc, 0, 0, (windowed ? decodeKvWindow : decodeKvFull) * s.KvBytesPerToken,
                    decodeCount * s.KvBytesPerToken, decodeCount * s.AttentionActivationBytesPerToken,
                    (windowed ? decodePairsWindow : decodePairsFull) * s.AttentionFlopsPerPair);
            Op(_oSlot[layer], ref acc, 0, s.OWeightBytes, 0, 0, t * s.OActivationBytesPerToken, t * s.OFlopsPerToken);
            acc.Seconds += AllReduceSeconds(t * _hiddenBytes);

            double moeSeconds = 0, distinct = 0;
            if (s.IsMoe)
            {
                Op(OpClass.Router, ref acc, 0, s.RouterWeightBytes, 0, 0, t * s.RouterActivationBytesPerToken, t * s.RouterFlopsPerToken);
                distinct = _routing.DistinctExperts(layer, tokens, _model.Experts, _model.TopK, plan.Index);
                moeSeconds = ExpertOp(ref acc, distinct, t, t * s.ExpertActivationBytesPerToken, t * s.ExpertFlopsPerToken);
            }
            if (s.FfnWeightBytes > 0)
                Op(_ffnSlot[layer], ref acc, 0, s.FfnWeightBytes, 0, 0, t * s.FfnActivationBytesPerToken, t * s.FfnFlopsPerToken);
            acc.Seconds += AllReduceSeconds(t * _hiddenBytes);
            acc.Seconds += t * _overhead.TokenLayerSeconds;
            // The host dispatches layer after layer; a layer starts once it is dispatched and the GPU is free, so small layers
            // queue behind the host while a long one lets the host run ahead.
            dispatchedSeconds += _overhead.LayerDispatchSeconds;
            gpuSeconds = Math.Max(gpuSeconds, dispatchedSeconds) + (acc.Seconds - before);

            details?.Add(new LayerCost(layer, tokens, acc.Seconds - before, moeSeconds, distinct, distinct * _model.ExpertBytes, attentionSeconds));
        }

        _layer = -1;
        acc.Seconds = gpuSeconds; // the layers' kernels plus any wait for the host
        PriceLmHead(leavingTokens, emitting, ref acc);
        acc.Seconds += _overhead.IterationSeconds(maxLayerTokens) + _overhead.HostSeconds(plan.PrefillTokens, decodeCount + prefills.Count, decodeKvFull);

        var traffic = new Traffic(acc.ExpertBytes * _tp, acc.DenseBytes * _tp, acc.KvReadBytes * _tp, acc.KvWriteBytes * _tp, acc.ActivationBytes * _tp);
        double flops = acc.Flops * _tp;
        double energy = EnergyModel.Joules(_device, traffic.TotalBytes, flops, acc.Seconds, _tp);
        return new IterationCost(acc.Seconds, traffic, flops, energy, details);
    }

    /// <inheritdoc />
    public void Release(int requestId, bool preempted) { }

    /// <inheritdoc />
    public void Dispose() { }

    /// <summary>Final norm over the tokens leaving the last layer, then the vocab-parallel LM head and logits gather for the emitting ones.</summary>
    private void PriceLmHead(int leaving, int emitting, ref Accumulator acc)
    {
        if (leaving > 0)
            Op(OpClass.Elementwise, ref acc, 0, _hiddenBytes, 0, 0, 2 * leaving * _hiddenBytes, 0);
        if (emitting == 0) return;
        double vocabPerGpu = (double)_model.VocabSize / _tp;
        double b = _model.BytesPerWeight;
        Op(OpClass.LmHead, ref acc, 0, vocabPerGpu * _hiddenBytes, 0, 0,
            emitting * (_hiddenBytes + vocabPerGpu * b), 2 * vocabPerGpu * _model.HiddenSize * emitting);
        if (_tp > 1)
            acc.Seconds += _device.InterconnectLatencySeconds + (_tp - 1.0) / _tp * emitting * _model.VocabSize * b / _device.InterconnectBytesPerSecond;
    }

    /// <summary>Ring all-reduce: latency plus 2(TP−1)/TP of the tensor over NVLink; free on one GPU.</summary>
    private double AllReduceSeconds(double bytes) =>
        _tp == 1 ? 0 : _device.InterconnectLatencySeconds + 2.0 * (_tp - 1) / _tp * bytes / _device.InterconnectBytesPerSecond;

    /// <summary>Adds one op's per-GPU bytes, FLOPs and time to <paramref name="acc"/>; returns the time.</summary>
    private double Op(OpClass op, ref Accumulator acc, double expertBytes, double denseBytes, double kvRead, double kvWrite, double activation, double flops) =>
        Op((int)op, ref acc, expertBytes, denseBytes, kvRead, kvWrite, activation, flops);

    /// <summary>As above, at the rates of slot <paramref name="i"/> (an op class, or a shaped efficiency's slot), or at
    /// <paramref name="ratesPerSecond"/> where the op's rates depend on its batch (the experts' efficiency curve).</summary>
    private double Op(int i, ref Accumulator acc, double expertBytes, double denseBytes, double kvRead, double kvWrite, double activation, double flops,
        double? tokensPerExpert = null, (double Bytes, double Flops)? ratesPerSecond = null)
    {
        acc.ExpertBytes += expertBytes;
        acc.DenseBytes += denseBytes;
        acc.KvReadBytes += kvRead;
        acc.KvWriteBytes += kvWrite;
        acc.ActivationBytes += activation;
        acc.Flops += flops;
        double bytes = expertBytes + denseBytes + kvRead + kvWrite + activation;
        var (bytesPerSecond, flopsPerSecond) = ratesPerSecond ?? (_bytesPerSecond[i], _flopsPerSecond[i]);
        double seconds = Math.Max(bytes / bytesPerSecond, flops / flopsPerSecond) + _launchSeconds[i];
        acc.Seconds += seconds;
        Observer?.Invoke(new RooflineOp(_slotClass[i], i, _layer, bytes, flops, seconds, tokensPerExpert));
        return seconds;
    }

    /// <summary>
    /// The routed-expert GEMMs of one layer: the ExpertGemm class's rates, or, when the device has an
    /// <see cref="ExpertEfficiencyCurve"/>, the rates at this batch's tokens per loaded expert.
    /// </summary>
    private double ExpertOp(ref Accumulator acc, double distinct, double tokens, double activation, double flops)
    {
        double? tokensPerExpert = distinct > 0 ? tokens * _model.TopK / distinct : null;
        (double, double)? rates = null;
        if (_expertCurve is not null && tokensPerExpert is { } perExpert)
        {
            var (compute, memory) = _expertCurve.At(perExpert);
            rates = (_device.PeakMemoryBytesPerSecond * memory, _device.PeakMatrixFlopsPerSecond * compute);
        }
        return Op((int)OpClass.ExpertGemm, ref acc, distinct * _expertBytesPerGpu, 0, 0, 0, activation, flops, tokensPerExpert, rates);
    }

    /// <summary>Σ over the slice's n tokens of the keys each attends to: min(c + i, window) for i = 1..n.</summary>
    internal static double CausalPairs(long contextBefore, long tokens, long window)
    {
        long unclipped = Math.Clamp(window - contextBefore, 0, tokens); // tokens whose span still fits the window
        return unclipped * (double)contextBefore + unclipped * (unclipped + 1) / 2.0 + (tokens - unclipped) * (double)window;
    }

    /// <summary>Per-GPU running totals of one iteration.</summary>
    private struct Accumulator
    {
        public double Seconds, ExpertBytes, DenseBytes, KvReadBytes, KvWriteBytes, ActivationBytes, Flops;
    }
}

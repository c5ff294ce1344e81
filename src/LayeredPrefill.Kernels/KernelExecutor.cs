using System.Diagnostics;
using LayeredPrefill.Execution;
using LayeredPrefill.Models;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Kernels;

/// <summary>
/// Runs plans on real tensors through <see cref="MoeEngine"/> and reports measured time and the traffic that actually
/// happened (experts the router chose, dense weights once per layer, KV read and written), in the backend's element types
/// (weights: bf16 on simd and CUDA, fp32 on ILGPU; KV: fp32 on the CPU backends, bf16 on CUDA), and the energy the backend measured.
/// </summary>
public sealed class KernelExecutor : IExecutor
{
    private const int Fp32Bytes = 4;
    private readonly MoeEngine _engine;

    /// <inheritdoc/>
    public string Name => $"kernels/{_engine.BackendName}";

    /// <summary>The engine (for tokens and KV inspection).</summary>
    public MoeEngine Engine => _engine;

    /// <summary>Builds the engine and runs a tiny warm-up plan so JIT and kernel compilation are never reported.</summary>
    public KernelExecutor(MoeModel model, EngineOptions options)
    {
        _engine = new MoeEngine(model, options);
        const int WarmupRequest = int.MinValue;
        var all = LayerRange.All(model.Layers);
        _engine.Execute(new IterationPlan(-1, model.Layers, [], [new PrefillEntry(WarmupRequest, 0, 2, all, true)], []));
        _engine.Execute(new IterationPlan(-1, model.Layers, [new DecodeEntry(WarmupRequest, 2)], [], []));
        _engine.Release(WarmupRequest, preempted: false);
    }

    /// <inheritdoc/>
    public IterationCost Execute(IterationPlan plan)
    {
        if (plan.IsEmpty) return new IterationCost(0, Traffic.Zero, 0, 0, [], new Dictionary<int, int>());
        long start = Stopwatch.GetTimestamp();
        var step = _engine.Execute(plan);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return Cost(_engine.Model, plan, step, seconds, _engine.WeightDtype, _engine.KvDtype);
    }

    /// <summary>Counts traffic and FLOPs of an executed step in the backend's element type (public for tests).</summary>
    public static IterationCost Cost(MoeModel m, IterationPlan plan, EngineStep step, double seconds, WeightDtype dtype = WeightDtype.Fp32, WeightDtype? kvDtype = null)
    {
        // The model at the dtype the backend stores its weights in (bf16 on simd and CUDA, fp32 on ILGPU), not the preset's.
        var stored = m with { WeightDtype = dtype };
        long expertBytes = stored.ExpertBytes, kvPerToken = (m with { WeightDtype = kvDtype ?? dtype }).KvBytesPerTokenPerLayer;
        double expert = 0, dense = 0, kvRead = 0, kvWrite = 0, activation = 0, flops = 0;
        var layers = new List<LayerCost>(m.Layers);
        int qd = m.QueryHeads * m.HeadDim, qkv = MoeWeights.QkvWidthOf(m);
        for (int l = 0; l < m.Layers; l++)
        {
            int tokens = plan.TokensInLayer(l);
            if (tokens == 0) { layers.Add(new LayerCost(l, 0, 0, 0, 0, 0)); continue; }
            int distinct = step.Backend.ExpertRows[l].Count(c => c > 0);
            double layerExpertBytes = (double)distinct * expertBytes;
            expert += layerExpertBytes;
            dense += stored.DenseBytesPerLayer(l);
            double attended = 0;
            foreach (var d in plan.Decodes) { kvRead += d.ContextTokens * (double)kvPerToken; attended += d.ContextTokens + 1; }
            foreach (var p in plan.Prefills.Where(p => p.Layers.Contains(l)))
            {
                kvRead += p.ContextTokensBefore * (double)kvPerToken;
                // Causal: slice token i attends to StartToken + i + 1 positions.
                attended += (double)p.TokenCount * p.StartToken + p.TokenCount * (p.TokenCount + 1) / 2.0;
            }
            kvWrite += tokens * (double)kvPerToken;
            activation += 2.0 * tokens * m.HiddenSize * Fp32Bytes;
            flops += 2.0 * tokens * ((double)m.HiddenSize * qkv + (double)qd * m.HiddenSize + (double)m.HiddenSize * m.Experts)
                   + 2.0 * tokens * m.TopK * stored.ExpertParameters
                   + 4.0 * attended * qd;
            layers.Add(new LayerCost(l, tokens, step.Backend.LayerSeconds[l], step.Backend.MoeSeconds[l], distinct, layerExpertBytes));
        }
        int emitted = step.TokenIds.Count;
        if (emitted > 0)
        {
            dense += stored.LmHeadBytes;
            flops += 2.0 * emitted * m.HiddenSize * m.VocabSize;
        }
        // Energy is what the backend measured (NVML on a GPU), else 0: a CPU estimate here would be a made-up constant.
        return new IterationCost(seconds, new Traffic(expert, dense, kvRead, kvWrite, activation), flops, step.Backend.EnergyJoules ?? 0, layers, step.TokenIds);
    }

    /// <inheritdoc/>
    public void Release(int requestId, bool preempted) => _engine.Release(requestId, preempted);

    /// <inheritdoc/>
    public void Dispose() => _engine.Dispose();
}

using LayeredPrefill.Models;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Kernels;

/// <summary>What one engine iteration produced.</summary>
/// <param name="TokenIds">Greedy token per emitting request.</param>
public sealed record EngineStep(IterationBatch Batch, BackendStep Backend, IReadOnlyDictionary<int, int> TokenIds);

/// <summary>
/// Runs iteration plans on real tensors: random weights from a seed (bf16 matrices on simd and CUDA), a paged KV cache (blocks of 16),
/// layered slices kept between iterations, generated tokens kept across preemption for recompute.
/// </summary>
public sealed class MoeEngine : IDisposable
{
    private readonly IMoeBackend _backend;
    private readonly PagedKvAllocator _kv;
    private readonly Dictionary<int, RequestState> _requests = [];

    /// <summary>The model shape.</summary>
    public MoeModel Model { get; }
    /// <summary>The options it was built with.</summary>
    public EngineOptions Options { get; }
    /// <summary>Backend name.</summary>
    public string BackendName => _backend.Name;
    /// <summary>The device in words.</summary>
    public string DeviceName => _backend.DeviceName;

    /// <summary>Checks the backend and memory first, then draws weights and loads them.</summary>
    public MoeEngine(MoeModel model, EngineOptions options)
    {
        var probe = BackendRegistry.RequireUsable(options.Backend);
        BackendRegistry.RequireSupported(options.Backend, model, "kernel engine");
        if (options.KvBlocks <= 0) throw new UserInputException($"kernel engine: KV blocks must be > 0 (got {options.KvBlocks})");
        BackendRegistry.RequireFits(options.Backend, model, options, probe);
        Model = model;
        Options = options;
        _backend = BackendRegistry.Create(options.Backend, model, options, new RopeTable(options.MaxPositions, model.HeadDim));
        _kv = new PagedKvAllocator(options.KvBlocks);
    }

    /// <summary>The backend (for measurements that need its own counters).</summary>
    public IMoeBackend Backend => _backend;

    /// <summary>The element type of the backend's weights.</summary>
    public WeightDtype WeightDtype => _backend.WeightDtype;

    /// <summary>The element type of the backend's KV cache.</summary>
    public WeightDtype KvDtype => _backend.KvDtype;

    /// <summary>Runs one plan; returns the emitted tokens and what the backend measured.</summary>
    public EngineStep Execute(IterationPlan plan)
    {
        if (plan.ModelLayers != Model.Layers)
            throw new InvalidOperationException($"plan {plan.Index} is for {plan.ModelLayers} layers, the engine has {Model.Layers}");
        foreach (int r in plan.Preempted) Release(r, preempted: true);
        int maxPosition = plan.Decodes.Select(d => d.ContextTokens).Concat(plan.Prefills.Select(p => p.EndToken - 1)).DefaultIfEmpty(0).Max();
        if (maxPosition >= Options.MaxPositions)
            throw new InvalidOperationException($"plan {plan.Index}: position {maxPosition} is past the engine's {Options.MaxPositions} positions");
        var batch = BatchBuilder.Build(plan, Model.Layers, Options.Seed, Model.VocabSize, _kv, State);
        var step = _backend.Run(batch);
        var tokens = new Dictionary<int, int>();
        for (int i = 0; i < batch.EmitRequests.Length; i++)
        {
            int req = batch.EmitRequests[i];
            var s = State(req);
            var seg = batch.Segments.First(x => x.Emits && x.RequestId == req);
            s.PromptTokens ??= seg.SliceStart + seg.RowCount;
            s.Generated.Add(step.EmitTokens[i]);
            tokens[req] = step.EmitTokens[i];
        }
        return new EngineStep(batch, step, tokens);
    }

    /// <summary>Drops a request's KV and kept hidden states; a finished request also forgets its tokens.</summary>
    public void Release(int requestId, bool preempted)
    {
        _kv.Free(requestId);
        _backend.DropHidden(requestId);
        if (!preempted) _requests.Remove(requestId);
    }

    /// <summary>Tokens a request has generated so far.</summary>
    public IReadOnlyList<int> GeneratedTokens(int requestId) => _requests.TryGetValue(requestId, out var s) ? s.Generated : [];

    /// <summary>A request's cached keys then values of one layer for positions [0, tokens).</summary>
    public float[] ReadKv(int requestId, int layer, int tokens) => _backend.ReadKv(layer, _kv.BlocksOf(requestId), tokens);

    private RequestState State(int requestId)
    {
        if (!_requests.TryGetValue(requestId, out var s)) _requests[requestId] = s = new RequestState();
        return s;
    }

    /// <inheritdoc/>
    public void Dispose() => _backend.Dispose();
}

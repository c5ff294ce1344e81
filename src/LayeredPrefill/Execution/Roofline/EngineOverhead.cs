namespace LayeredPrefill.Execution.Roofline;

/// <summary>
/// Time the serving engine spends beyond the kernels the roofline prices: per iteration, the host
/// work a synchronous engine does not overlap with the GPU (scheduling, input preparation, sampling,
/// output processing, sending the batch to the other ranks) and its launch gaps; per token and layer,
/// the small kernels no op class covers.
/// </summary>
/// <param name="GraphedIterationSeconds">Per iteration whose every layer replays captured CUDA graphs (at most <paramref name="GraphMaxTokens"/> tokens in each layer).</param>
/// <param name="EagerIterationSeconds">Per iteration in which some layer has more tokens than the graphs were captured for and runs eager.</param>
/// <param name="GraphMaxTokens">Largest per-layer token count the engine captured CUDA graphs for.</param>
/// <param name="TokenLayerSeconds">Per token per layer it passes: kernels outside attention, the routed experts and the
/// dense GEMMs whose cost grows with the tokens (split-KV combine, expert token sorting and activation, large all-reduces).</param>
/// <param name="PrefillTokenHostSeconds">Host time per prompt token an iteration schedules, whatever layers its slice runs:
/// the engine rebuilds the slice's input ids, positions and KV slot mapping on the host every iteration it runs.</param>
/// <param name="SequenceHostSeconds">Host time per sequence an iteration schedules (its block table, token bookkeeping and
/// serialisation to the other ranks).</param>
/// <param name="ContextTokenHostSeconds">Host time per token already in the context of each decoding sequence an iteration
/// schedules (its block table, rebuilt and serialised every iteration, and its token array, copied to append one).</param>
/// <param name="LayerDispatchSeconds">Host time to dispatch one layer (replay its graph pieces and launch the eager attention
/// between them). Layers run in order as soon as they are dispatched and the GPU is free: a batch whose layers are shorter than
/// this waits for the host, a long layer lets the host run ahead.</param>
public sealed record EngineOverhead(double GraphedIterationSeconds, double EagerIterationSeconds, int GraphMaxTokens, double TokenLayerSeconds,
    double PrefillTokenHostSeconds = 0, double SequenceHostSeconds = 0, double LayerDispatchSeconds = 0, double ContextTokenHostSeconds = 0)
{
    /// <summary>No overhead: the priced kernels are the whole iteration.</summary>
    public static EngineOverhead None { get; } = new(0, 0, int.MaxValue, 0);

    /// <summary>The host part that grows with the batch: <paramref name="prefillTokens"/> prompt tokens, <paramref name="sequences"/> sequences
    /// and <paramref name="decodeContextTokens"/> tokens in the decoding sequences' contexts.</summary>
    public double HostSeconds(int prefillTokens, int sequences, double decodeContextTokens) =>
        prefillTokens * PrefillTokenHostSeconds + sequences * SequenceHostSeconds + decodeContextTokens * ContextTokenHostSeconds;

    /// <summary>The per-iteration part for an iteration whose busiest layer runs <paramref name="maxLayerTokens"/> tokens.</summary>
    public double IterationSeconds(int maxLayerTokens) => maxLayerTokens > GraphMaxTokens ? EagerIterationSeconds : GraphedIterationSeconds;

    /// <summary>Refuses negative or non-finite times and a non-positive graph size, naming <paramref name="where"/>.</summary>
    public EngineOverhead Validate(string where)
    {
        Check(GraphedIterationSeconds, "graphedIterationSeconds");
        Check(EagerIterationSeconds, "eagerIterationSeconds");
        Check(TokenLayerSeconds, "tokenLayerSeconds");
        Check(PrefillTokenHostSeconds, "prefillTokenHostSeconds");
        Check(SequenceHostSeconds, "sequenceHostSeconds");
        Check(LayerDispatchSeconds, "layerDispatchSeconds");
        Check(ContextTokenHostSeconds, "contextTokenHostSeconds");
        if (GraphMaxTokens <= 0) throw new UserInputException($"{where}.graphMaxTokens must be > 0 (got {GraphMaxTokens})");
        return this;

        void Check(double seconds, string field)
        {
            if (!(double.IsFinite(seconds) && seconds >= 0)) throw new UserInputException($"{where}.{field} must be a finite number >= 0 (got {seconds})");
        }
    }
}

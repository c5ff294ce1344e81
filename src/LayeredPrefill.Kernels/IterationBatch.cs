using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Kernels;

/// <summary>One plan entry's rows: a decode token or a prefill slice, and where its hidden states come from and go.</summary>
/// <param name="LoadsHidden">The slice starts past layer 0, so its hidden states come from the previous iteration (key: request, SliceStart).</param>
/// <param name="StoresHidden">The slice stops before the last layer, so its hidden states are kept for the next iteration.</param>
/// <param name="IsDecode">A decode entry's one row (a GPU backend runs its attention with the decode kernel, whatever the row count of prefill slices).</param>
public sealed record BatchSegment(int RequestId, int RowStart, int RowCount, LayerRange Layers, int SliceStart, bool LoadsHidden, bool StoresHidden, bool Emits,
    bool IsDecode = false);

/// <summary>What the host tells a backend about one iteration: per-row token, position and KV blocks, and per-layer active rows.</summary>
/// <remarks>Built on the host once per iteration; a device backend uploads it in one go, so no layer waits on the host.</remarks>
public sealed record IterationBatch(
    int Rows,
    int[] TokenIds,
    int[] Positions,
    int[] BlockTableOffsets,
    int[] BlockTable,
    IReadOnlyList<BatchSegment> Segments,
    int[][] LayerRows,
    int[] EmitRows,
    int[] EmitRequests)
{
    /// <summary>KV block size in tokens.</summary>
    public const int BlockTokens = 16;
}

/// <summary>What a backend reports after running a batch.</summary>
/// <param name="EmitTokens">Greedy token of each emit row, in <see cref="IterationBatch.EmitRows"/> order.</param>
/// <param name="ExpertRows">Per layer, rows routed to each expert (all top-k ranks counted).</param>
/// <param name="LayerSeconds">Per layer wall time (synchronised).</param>
/// <param name="MoeSeconds">Per layer time of the routed-expert part.</param>
/// <param name="EnergyJoules">Board energy the iteration took, measured (NVML on a GPU); null where nothing measures it.</param>
public sealed record BackendStep(int[] EmitTokens, int[][] ExpertRows, double[] LayerSeconds, double[] MoeSeconds, double? EnergyJoules = null);

/// <summary>Thrown when a layer's activations turn NaN or infinite; names the layer and the kernel that produced them.</summary>
public sealed class NonFiniteActivationException(int layer, string kernel)
    : Exception($"non-finite activations after kernel '{kernel}' in layer {layer}")
{
    /// <summary>0-based layer (-1 for the LM head).</summary>
    public int Layer { get; } = layer;
    /// <summary>Kernel whose output was the first non-finite one.</summary>
    public string Kernel { get; } = kernel;
}

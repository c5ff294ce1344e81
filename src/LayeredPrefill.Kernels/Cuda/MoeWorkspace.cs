using ILGPU;
using ILGPU.Runtime;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>Activations and routing state of one MoE layer call, sized for up to <see cref="MaxTokens"/> tokens.</summary>
public sealed class MoeWorkspace : IDisposable
{
    /// <summary>Most tokens one call may carry.</summary>
    public int MaxTokens { get; }
    /// <summary>Input activations, bf16 pairs [T, H/2].</summary>
    public MemoryBuffer1D<uint, Stride1D.Dense> X { get; }
    /// <summary>Most router K splits (partial-logit planes).</summary>
    public const int MaxRouterSplits = 8;
    /// <summary>Router logits [splits, T, E] (partial sums per K split).</summary>
    public MemoryBuffer1D<float, Stride1D.Dense> Logits { get; }
    /// <summary>Chosen experts [T·k].</summary>
    public MemoryBuffer1D<int, Stride1D.Dense> TopIds { get; }
    /// <summary>Renormalised routing weights [T·k].</summary>
    public MemoryBuffer1D<float, Stride1D.Dense> TopWeights { get; }
    /// <summary>Slots per expert [E].</summary>
    public MemoryBuffer1D<int, Stride1D.Dense> Counts { get; }
    /// <summary>First sorted position of each expert [E].</summary>
    public MemoryBuffer1D<int, Stride1D.Dense> Offsets { get; }
    /// <summary>Scatter cursors [E] (large batches).</summary>
    public MemoryBuffer1D<int, Stride1D.Dense> Cursors { get; }
    /// <summary>Tiles: expert, start, rows.</summary>
    public MemoryBuffer1D<int, Stride1D.Dense> TileInfo { get; }
    /// <summary>Tile count [1].</summary>
    public MemoryBuffer1D<int, Stride1D.Dense> TileCount { get; }
    /// <summary>Sorted position → slot.</summary>
    public MemoryBuffer1D<int, Stride1D.Dense> SortedSlot { get; }
    /// <summary>Slot → sorted position.</summary>
    public MemoryBuffer1D<int, Stride1D.Dense> SlotPosition { get; }
    /// <summary>SiLU(gate)·up in sorted order, bf16 pairs [T·k, I/2].</summary>
    public MemoryBuffer1D<uint, Stride1D.Dense> Hidden { get; }
    /// <summary>Weighted expert outputs per slot, f32 [T·k, H].</summary>
    public MemoryBuffer1D<float, Stride1D.Dense> PerSlot { get; }
    /// <summary>Layer output, f32 [T, H].</summary>
    public MemoryBuffer1D<float, Stride1D.Dense> Output { get; }

    /// <summary>Allocates for <paramref name="maxTokens"/> tokens of <paramref name="shape"/>.</summary>
    public MoeWorkspace(CudaMoeKernels k, MoeShape shape, int maxTokens)
    {
        var a = k.Accelerator;
        MaxTokens = maxTokens;
        long slots = (long)maxTokens * shape.TopK;
        X = a.Allocate1D<uint>((long)maxTokens * shape.Hidden / 2);
        Logits = a.Allocate1D<float>((long)MaxRouterSplits * maxTokens * shape.Experts);
        TopIds = a.Allocate1D<int>(slots);
        TopWeights = a.Allocate1D<float>(slots);
        Counts = a.Allocate1D<int>(shape.Experts);
        Offsets = a.Allocate1D<int>(shape.Experts);
        Cursors = a.Allocate1D<int>(shape.Experts);
        TileInfo = a.Allocate1D<int>(3L * shape.MaxTiles(maxTokens));
        TileCount = a.Allocate1D<int>(1);
        SortedSlot = a.Allocate1D<int>(slots);
        SlotPosition = a.Allocate1D<int>(slots);
        Hidden = a.Allocate1D<uint>(slots * shape.Ffn / 2);
        PerSlot = a.Allocate1D<float>(slots * shape.Hidden);
        Output = a.Allocate1D<float>((long)maxTokens * shape.Hidden);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var b in new MemoryBuffer[] { X, Logits, TopIds, TopWeights, Counts, Offsets, Cursors, TileInfo, TileCount, SortedSlot, SlotPosition, Hidden, PerSlot, Output })
            b.Dispose();
    }
}

using LayeredPrefill.Models;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Kernels;

/// <summary>How to build a <see cref="MoeEngine"/>.</summary>
/// <param name="Backend">"simd", "ilgpu-cpu", "ilgpu-cuda" or "ilgpu-opencl".</param>
/// <param name="Seed">Seed of the weights and of the prompt token ids.</param>
/// <param name="KvBlocks">KV pool size in blocks of 16 tokens (shared by all requests).</param>
/// <param name="MaxPositions">Longest context the RoPE table covers.</param>
/// <param name="AdjustWeights">Test hook: edits the drawn weights before the backend loads them (e.g. to plant a NaN); host-weight backends only.</param>
/// <param name="MaxBatchTokens">Most rows one iteration can carry (a GPU backend sizes its activations for it once).</param>
/// <param name="DecodeSplitTokens">Context positions per block of a GPU backend's decode attention (more splits fill the GPU when few rows decode).</param>
/// <param name="BatchInvariant">A GPU backend computes every row the same way whatever else is in its batch (fixed router
/// K splits), so every schedule gives bit-identical tokens and KV; otherwise it picks the fastest split for each batch size,
/// and a row's last bits can depend on the batch it ran in (the CPU backends are always invariant).</param>
/// <param name="ProfileOps">A GPU backend records an event after every op and sums their times (a little slower; for finding where time goes).</param>
public sealed record EngineOptions(string Backend = "simd", long Seed = 1, int KvBlocks = 256, int MaxPositions = 4096, Action<MoeWeights>? AdjustWeights = null,
    int MaxBatchTokens = EngineOptions.DefaultMaxBatchTokens, bool ProfileOps = false, int DecodeSplitTokens = Cuda.AttentionKernel.SplitTokens,
    bool BatchInvariant = false)
{
    /// <summary>The layered budget plus the sequence cap: the largest batch the paper's schedulers build.</summary>
    public const int DefaultMaxBatchTokens = LayeredPolicy.DefaultBudgetTokens + SchedulerSettings.DefaultMaxSequences;

    /// <summary>
    /// The KV pool a host engine needs when the user names none: every request's whole context at once, at most
    /// <paramref name="cap"/> blocks. Nothing is ever preempted for want of a block the default pool would have had, and the
    /// README's six 212-token requests hold 84 blocks (22 MB on small-moe) instead of 2048 (536 MB).
    /// </summary>
    public static int WorkloadKvBlocks(IEnumerable<int> contextTokens, int cap) =>
        (int)Math.Clamp(contextTokens.Sum(t => (long)(t + IterationBatch.BlockTokens - 1) / IterationBatch.BlockTokens), 1, Math.Max(1, cap));

    /// <summary>Bytes of the fp32 KV pool over all layers.</summary>
    public long KvPoolBytes(MoeModel model) => KvPoolBytes(model, KvBlocks);

    /// <summary>Bytes of an fp32 KV pool of <paramref name="kvBlocks"/> blocks per layer over all layers (a key and a value per KV head).</summary>
    public static long KvPoolBytes(MoeModel model, int kvBlocks) => (long)kvBlocks * IterationBatch.BlockTokens * 2L * model.KvHeads * model.HeadDim * 4 * model.Layers;
}

/// <summary>Model helpers for the kernel engine.</summary>
public static class KernelModelExtensions
{
    /// <summary>The same shape with <paramref name="layers"/> layers (the CLI's --layers), so big presets fit a smaller device.</summary>
    public static MoeModel WithLayers(this MoeModel model, int? layers) =>
        layers is int n ? (n > 0 ? model with { Layers = n } : throw new UserInputException($"--layers: must be > 0 (got {n})")) : model;
}

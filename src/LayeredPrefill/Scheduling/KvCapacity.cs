using LayeredPrefill.Models;

namespace LayeredPrefill.Scheduling;

/// <summary>How many KV blocks fit in the device memory the weights leave free (vLLM's gpu_memory_utilization rule).</summary>
public static class KvCapacity
{
    /// <summary>
    /// Blocks per GPU = (memory × utilisation − weights/TP − activation reserve) ÷ (KV bytes of one block on one GPU).
    /// KV heads split over TP GPUs; with more GPUs than KV heads (or with a latent cache) each GPU keeps its
    /// own copy, so the per-GPU share stops shrinking.
    /// </summary>
    public static long Blocks(MoeModel model, double deviceMemoryBytes, int tensorParallel, double memoryUtilization, int blockTokens, double activationReserveBytes)
    {
        if (memoryUtilization is <= 0 or > 1 || double.IsNaN(memoryUtilization))
            throw new UserInputException($"--gpu-memory-utilization must be in (0, 1] (got {memoryUtilization})");
        double kvShardsPerGpu = model.UsesLatentAttention ? 1.0 : Math.Ceiling((double)model.KvHeads / tensorParallel) / model.KvHeads;
        double kvBytesPerTokenPerGpu = model.KvBytesPerToken * kvShardsPerGpu;
        double free = deviceMemoryBytes * memoryUtilization - (double)model.TotalWeightBytes / tensorParallel - activationReserveBytes;
        if (free <= 0)
            throw new UserInputException(
                $"--gpu-memory-utilization {memoryUtilization}: model '{model.Name}' does not fit: weights need {model.TotalWeightBytes / tensorParallel / 1e9:F1} GB per GPU at TP {tensorParallel}, " +
                $"{deviceMemoryBytes * memoryUtilization / 1e9:F1} GB usable per GPU; raise --tp or --gpu-memory-utilization");
        return (long)Math.Floor(free / (kvBytesPerTokenPerGpu * blockTokens));
    }
}

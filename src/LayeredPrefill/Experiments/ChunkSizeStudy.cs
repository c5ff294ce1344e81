using LayeredPrefill.Execution.Roofline;
using LayeredPrefill.Models;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Experiments;

/// <summary>One row of the chunk-size study: a prompt cut into chunks of one size, each run through every layer.</summary>
/// <param name="AttentionSeconds">Attention kernels summed over layers and chunks; the rest of <paramref name="TotalSeconds"/> past MoE and attention is "other".</param>
public sealed record ChunkSizeRow(int ChunkTokens, int Chunks, double ExpertWeightBytes, double MoeSeconds, double TotalSeconds, double AttentionSeconds = 0);

/// <summary>
/// The paper's chunk-size figure in simulation: one long prompt prefilled in chunks of c tokens through all layers,
/// priced by the roofline executor's per-layer detail (MoE time and expert bytes summed over layers and chunks).
/// </summary>
public static class ChunkSizeStudy
{
    /// <summary>The paper's chunk sizes for an 8192-token prompt.</summary>
    public static readonly IReadOnlyList<int> PaperChunks = [512, 1024, 2048, 4096, 8192];

    /// <summary>Rows for each chunk size in <paramref name="chunks"/>, for a <paramref name="promptTokens"/>-token prompt alone on the device.</summary>
    public static IReadOnlyList<ChunkSizeRow> Run(MoeModel model, DeviceProfile device, int tensorParallel, int promptTokens, IEnumerable<int> chunks)
    {
        if (promptTokens <= 0) throw new UserInputException($"--prompt-tokens must be > 0 (got {promptTokens})");
        var executor = new RooflineExecutor(model, device, tensorParallel, new UniformRouting(), perLayerDetail: true);
        var rows = new List<ChunkSizeRow>();
        foreach (int chunk in chunks)
        {
            if (chunk <= 0) throw new UserInputException($"chunk size must be > 0 (got {chunk})");
            double bytes = 0, moe = 0, total = 0, attention = 0;
            int count = 0;
            for (int start = 0; start < promptTokens; start += chunk, count++)
            {
                int tokens = Math.Min(chunk, promptTokens - start);
                var prefill = new PrefillEntry(0, start, tokens, LayerRange.All(model.Layers), EmitsToken: start + tokens == promptTokens);
                var cost = executor.Execute(new IterationPlan(count, model.Layers, [], [prefill], []));
                foreach (var layer in cost.Layers!) { bytes += layer.ExpertWeightBytes; moe += layer.MoeSeconds; attention += layer.AttentionSeconds; }
                total += cost.DurationSeconds;
            }
            rows.Add(new ChunkSizeRow(chunk, count, bytes, moe, total, attention));
        }
        return rows;
    }
}

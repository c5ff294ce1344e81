namespace LayeredPrefill.Scheduling;

/// <summary>How layered prefill splits the layers and picks the number of groups.</summary>
public static class LayerGroups
{
    /// <summary>Prompt-token thresholds of the adaptive table: ≤512, ≤1024, ≤2048, ≤4096, more.</summary>
    public static readonly IReadOnlyList<int> AdaptiveThresholdTokens = [512, 1024, 2048, 4096];

    /// <summary>
    /// Splits <paramref name="layers"/> into <paramref name="groups"/> nearly equal contiguous ranges;
    /// the first (layers mod groups) ranges get one layer more.
    /// </summary>
    public static LayerRange[] Split(int layers, int groups)
    {
        if (groups <= 0 || groups > layers)
            throw new UserInputException($"--layer-groups must be in [1, {layers}] for a {layers}-layer model (got {groups})");
        var ranges = new LayerRange[groups];
        int start = 0;
        for (int g = 0; g < groups; g++)
        {
            int size = layers / groups + (g < layers % groups ? 1 : 0);
            ranges[g] = new LayerRange(start, start + size);
            start += size;
        }
        return ranges;
    }

    /// <summary>
    /// The adaptive group count for a batch of <paramref name="promptTokens"/>: the ladder entry for
    /// the first threshold the batch fits under (authors' engine: Qwen3 1, 2, 4, 8, 16; GPT-OSS 1, 2, 4, 6, 12),
    /// which keeps prefill work per iteration near "512 tokens through all layers".
    /// </summary>
    public static int Adaptive(IReadOnlyList<int> ladder, int promptTokens, int layers)
    {
        if (ladder.Count != AdaptiveThresholdTokens.Count + 1)
            throw new UserInputException($"adaptive layer-group ladder needs {AdaptiveThresholdTokens.Count + 1} entries (got {ladder.Count})");
        int step = 0;
        while (step < AdaptiveThresholdTokens.Count && promptTokens > AdaptiveThresholdTokens[step]) step++;
        return Math.Clamp(ladder[step], 1, layers);
    }
}

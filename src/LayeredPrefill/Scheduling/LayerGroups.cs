using System.Globalization;

namespace LayeredPrefill.Scheduling;

/// <summary>A layer-group count as --layer-groups gives it: a fixed G, or <see cref="Adaptive"/> (null) for the model's ladder.</summary>
public readonly record struct LayerGroupChoice(int? Fixed)
{
    /// <summary>The adaptive ladder.</summary>
    public static LayerGroupChoice Adaptive => new(null);

    /// <summary>"adaptive" or the count.</summary>
    public override string ToString() => Fixed is { } g ? g.ToString(CultureInfo.InvariantCulture) : "adaptive";
}

/// <summary>How layered prefill splits the layers and picks the number of groups; the one place a group count is checked.</summary>
public static class LayerGroups
{
    /// <summary>Prompt-token thresholds of the adaptive table: ≤512, ≤1024, ≤2048, ≤4096, more.</summary>
    public static readonly IReadOnlyList<int> AdaptiveThresholdTokens = [512, 1024, 2048, 4096];

    /// <summary>Parses --layer-groups: "adaptive" or a positive count.</summary>
    public static LayerGroupChoice Parse(string text)
    {
        if (text.Trim().Equals("adaptive", StringComparison.OrdinalIgnoreCase)) return LayerGroupChoice.Adaptive;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int g) && g > 0) return new LayerGroupChoice(g);
        throw new UserInputException($"--layer-groups: expected a positive number or 'adaptive' (got '{text}')");
    }

    /// <summary>Refuses a group count outside [1, <paramref name="layers"/>], naming the model when known.</summary>
    public static int Validate(int groups, int layers, string? model = null)
    {
        if (groups <= 0 || groups > layers)
            throw new UserInputException($"--layer-groups must be in [1, {layers}] for {(model is null ? $"a {layers}-layer model" : $"'{model}'")} (got {groups})");
        return groups;
    }

    /// <summary>
    /// Splits <paramref name="layers"/> into <paramref name="groups"/> nearly equal contiguous ranges;
    /// the first (layers mod groups) ranges get one layer more.
    /// </summary>
    public static LayerRange[] Split(int layers, int groups)
    {
        Validate(groups, layers);
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

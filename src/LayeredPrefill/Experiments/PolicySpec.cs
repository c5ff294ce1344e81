namespace LayeredPrefill.Experiments;

/// <summary>The three scheduling policies.</summary>
public enum PolicyKind { Chunked, Layered, PrefillFirst }

/// <summary>A policy and its knobs, as named on the command line ("chunked-512", "layered", "layered-g4", "prefill-first").</summary>
/// <param name="LayerGroups">Fixed layer-group count for layered prefill; null for the adaptive table.</param>
public sealed record PolicySpec(PolicyKind Kind, int ChunkBudgetTokens = 512, int? LayerGroups = null, int LayeredBudgetTokens = 8192)
{
    /// <summary>Names a user may type (knobs come from the suffix or the common options).</summary>
    public static readonly IReadOnlyList<string> Names = ["chunked", "chunked-<budget>", "layered", "layered-adaptive", "layered-g<G>", "prefill-first"];

    /// <summary>Canonical name with knobs, used as the result key.</summary>
    public string Name => Kind switch
    {
        PolicyKind.Chunked => $"chunked-{ChunkBudgetTokens}",
        PolicyKind.Layered => LayerGroups is { } g ? $"layered-g{g}" : "layered-adaptive",
        _ => "prefill-first",
    };

    /// <summary>Parses one policy name; a plain name takes its knobs from the defaults given.</summary>
    public static PolicySpec Parse(string text, int defaultChunkBudget = 512, int? defaultLayerGroups = null, int layeredBudget = 8192)
    {
        string name = text.Trim().ToLowerInvariant();
        if (name == "chunked") return new(PolicyKind.Chunked, defaultChunkBudget, null, layeredBudget);
        if (name is "layered") return new(PolicyKind.Layered, defaultChunkBudget, defaultLayerGroups, layeredBudget);
        if (name is "layered-adaptive") return new(PolicyKind.Layered, defaultChunkBudget, null, layeredBudget);
        if (name is "prefill-first" or "prefill_first") return new(PolicyKind.PrefillFirst, defaultChunkBudget, null, layeredBudget);
        if (name.StartsWith("chunked-", StringComparison.Ordinal) && int.TryParse(name["chunked-".Length..], out int budget) && budget > 0)
            return new(PolicyKind.Chunked, budget, null, layeredBudget);
        if (name.StartsWith("layered-g", StringComparison.Ordinal) && int.TryParse(name["layered-g".Length..], out int g) && g > 0)
            return new(PolicyKind.Layered, defaultChunkBudget, g, layeredBudget);
        throw new UserInputException($"--policies: unknown policy '{text}' (valid: {string.Join(", ", Names)})");
    }

    /// <summary>Parses a comma-separated list, refusing an empty list and duplicates.</summary>
    public static IReadOnlyList<PolicySpec> ParseList(string text, int defaultChunkBudget = 512, int? defaultLayerGroups = null, int layeredBudget = 8192)
    {
        var specs = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => Parse(p, defaultChunkBudget, defaultLayerGroups, layeredBudget)).ToArray();
        if (specs.Length == 0) throw new UserInputException("--policies: no policy given");
        var duplicate = specs.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new UserInputException($"--policies: '{duplicate.Key}' is listed twice");
        return specs;
    }
}

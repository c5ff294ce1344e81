namespace LayeredPrefill.Scheduling;

/// <summary>The scheduling policies by name (as Vidur's scheduler registry): each family parses its own names.</summary>
public static class PolicyRegistry
{
    private static readonly Func<string, PolicyKnobs, SchedulingPolicy?>[] Families =
        [ChunkedPolicy.TryParse, LayeredPolicy.TryParse, PrefillFirstPolicy.TryParse];

    /// <summary>Names a user may type.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. ChunkedPolicy.Names, .. LayeredPolicy.Names, .. PrefillFirstPolicy.Names];

    /// <summary>Parses one policy name (any case); knobs the name leaves open come from <paramref name="knobs"/>.</summary>
    public static SchedulingPolicy Parse(string text, PolicyKnobs? knobs = null)
    {
        string name = text.Trim().ToLowerInvariant();
        var given = (knobs ?? PolicyKnobs.None).Validate();
        foreach (var family in Families)
            if (family(name, given) is { } policy) return policy;
        throw new UserInputException($"--policies: unknown policy '{text}' (valid: {string.Join(", ", Names)})");
    }

    /// <summary>Parses a comma-separated list, refusing an empty list and a policy listed twice (by canonical name).</summary>
    public static IReadOnlyList<SchedulingPolicy> ParseList(string text, PolicyKnobs? knobs = null)
    {
        var given = (knobs ?? PolicyKnobs.None).Validate();
        var policies = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => Parse(p, given)).ToArray();
        if (policies.Length == 0) throw new UserInputException("--policies: no policy given");
        var duplicate = policies.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new UserInputException($"--policies: '{duplicate.Key}' is listed twice");
        return policies;
    }
}

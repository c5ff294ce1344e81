using System.Globalization;

namespace LayeredPrefill.Scheduling;

/// <summary>
/// Knobs given beside the policy names (the CLI's --chunk-budget, --layer-groups, --layered-budget; a sweep's layered_budget).
/// They set the knobs of names that leave them open (`chunked`, `layered`); a null knob was not given, so the policy's default
/// applies. A name that fixes a knob (chunked-256, layered-g4, -b4096) must agree with one given here, or is refused.
/// </summary>
public sealed record PolicyKnobs(int? ChunkBudgetTokens = null, LayerGroupChoice? LayerGroups = null, int? LayeredBudgetTokens = null)
{
    /// <summary>No knob given: every policy takes its defaults.</summary>
    public static PolicyKnobs None { get; } = new();

    /// <summary>Refuses a knob that is given but cannot be used by any policy (not positive), naming its option.</summary>
    public PolicyKnobs Validate()
    {
        if (ChunkBudgetTokens is { } c) ChunkedPolicy.ValidBudget(c);
        if (LayeredBudgetTokens is { } l) LayeredPolicy.ValidBudget(l);
        return this;
    }

    internal static bool TryPositive(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;

    /// <summary>Refuses a name whose own knob contradicts the one given beside it: neither would silently win.</summary>
    internal static void RefuseConflict(string name, string knob, int named, int? given, string option)
    {
        if (given is { } g && g != named)
            throw new UserInputException($"--policies: '{name}' names {knob} {named}, but {option} says {g}; give it once");
    }
}

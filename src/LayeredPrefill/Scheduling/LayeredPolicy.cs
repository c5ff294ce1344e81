using System.Globalization;
using LayeredPrefill.Models;

namespace LayeredPrefill.Scheduling;

/// <summary>
/// Layered prefill (arXiv 2510.08055): an admitted batch of at most <see cref="BudgetTokens"/> prompt tokens advances one layer
/// group per iteration; <see cref="LayerGroups"/> fixes G, or null takes the model's adaptive ladder.
/// </summary>
public sealed record LayeredPolicy : SchedulingPolicy
{
    /// <summary>The prompt-token budget of one layered batch, the authors' engine's.</summary>
    public const int DefaultBudgetTokens = 8192;

    /// <summary>Names a user may type (each may end in -b&lt;budget&gt; for another batch budget).</summary>
    public static readonly IReadOnlyList<string> Names = ["layered", "layered-adaptive", "layered-g<G>"];

    private const string FixedPrefix = "layered-g";
    private const string BudgetInfix = "-b";

    /// <summary>Creates the policy, refusing a budget that is not positive (G is checked against a model's layers).</summary>
    public LayeredPolicy(int? layerGroups = null, int budgetTokens = DefaultBudgetTokens)
    {
        LayerGroups = layerGroups;
        BudgetTokens = ValidBudget(budgetTokens);
    }

    /// <summary>Fixed layer-group count G; null for the adaptive ladder.</summary>
    public int? LayerGroups { get; }

    /// <summary>Prompt tokens of one admitted batch at most.</summary>
    public int BudgetTokens { get; }

    /// <inheritdoc />
    public override string Name =>
        (LayerGroups is { } g ? FixedPrefix + g.ToString(CultureInfo.InvariantCulture) : "layered-adaptive")
        + (BudgetTokens == DefaultBudgetTokens ? "" : BudgetInfix + BudgetTokens.ToString(CultureInfo.InvariantCulture));

    /// <inheritdoc />
    public override string Family => "layered";

    /// <inheritdoc />
    public override string Knob => LayerGroups is { } g ? $"G{g}" : "adaptive";

    /// <inheritdoc />
    public override SchedulingPolicy Validate(MoeModel model)
    {
        if (LayerGroups is { } g) Scheduling.LayerGroups.Validate(g, model.Layers, model.Name);
        return this;
    }

    /// <inheritdoc />
    public override SchedulerBase CreateScheduler(MoeModel model, SchedulerSettings settings) =>
        new LayeredPrefillScheduler(model.Layers, settings, LayerGroups, ModelCatalog.AdaptiveGroupLadder(model), BudgetTokens);

    /// <summary>The budget, or a user error naming --layered-budget.</summary>
    public static int ValidBudget(int budgetTokens) =>
        budgetTokens > 0 ? budgetTokens : throw new UserInputException($"--layered-budget must be > 0 (got {budgetTokens})");

    /// <summary>`layered` (the knobs' G and budget), `layered-adaptive` or `layered-gG`, each optionally ending in -bT; null for another family's name.</summary>
    internal static LayeredPolicy? TryParse(string name, PolicyKnobs knobs)
    {
        string core = name;
        int? budget = null;
        int infix = name.LastIndexOf(BudgetInfix, StringComparison.Ordinal);
        if (infix > 0 && PolicyKnobs.TryPositive(name[(infix + BudgetInfix.Length)..], out int b)) { core = name[..infix]; budget = b; }
        int? groups;
        if (core == "layered") groups = knobs.LayerGroups is { } choice ? choice.Fixed : null;
        else if (core == "layered-adaptive")
        {
            if (knobs.LayerGroups is { Fixed: { } given })
                throw new UserInputException($"--policies: '{name}' names adaptive layer groups, but --layer-groups says {given}; give them once");
            groups = null;
        }
        else if (core.StartsWith(FixedPrefix, StringComparison.Ordinal) && PolicyKnobs.TryPositive(core[FixedPrefix.Length..], out int g))
        {
            if (knobs.LayerGroups is { } choice && choice.Fixed != g)
                throw new UserInputException($"--policies: '{name}' names {g} layer groups, but --layer-groups says {choice}; give them once");
            groups = g;
        }
        else return null;
        if (budget is { } named) PolicyKnobs.RefuseConflict(name, "layered budget", named, knobs.LayeredBudgetTokens, "--layered-budget");
        return new LayeredPolicy(groups, budget ?? knobs.LayeredBudgetTokens ?? DefaultBudgetTokens);
    }
}

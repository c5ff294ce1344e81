using System.Globalization;
using LayeredPrefill.Models;

namespace LayeredPrefill.Scheduling;

/// <summary>Chunked prefill (Sarathi-Serve, vLLM): every iteration carries at most <see cref="BudgetTokens"/> tokens, decodes first.</summary>
public sealed record ChunkedPolicy : SchedulingPolicy
{
    /// <summary>The budget of a plain `chunked`: vLLM's chunked-prefill default, the paper's baseline.</summary>
    public const int DefaultBudgetTokens = 512;

    /// <summary>Names a user may type.</summary>
    public static readonly IReadOnlyList<string> Names = ["chunked", "chunked-<budget>"];

    private const string Prefix = "chunked-";

    /// <summary>Creates the policy, refusing a budget that is not positive.</summary>
    public ChunkedPolicy(int budgetTokens = DefaultBudgetTokens) => BudgetTokens = ValidBudget(budgetTokens);

    /// <summary>Tokens per iteration, decodes included.</summary>
    public int BudgetTokens { get; }

    /// <inheritdoc />
    public override string Name => Prefix + BudgetTokens.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override string Family => "chunked";

    /// <inheritdoc />
    public override string Knob => BudgetTokens.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override SchedulerBase CreateScheduler(MoeModel model, SchedulerSettings settings) => new ChunkedPrefillScheduler(model.Layers, settings, BudgetTokens);

    /// <summary>The budget, or a user error naming --chunk-budget.</summary>
    public static int ValidBudget(int budgetTokens) =>
        budgetTokens > 0 ? budgetTokens : throw new UserInputException($"--chunk-budget must be > 0 (got {budgetTokens})");

    /// <summary>`chunked` (the knob's budget, else the default) or `chunked-B`; null for another family's name.</summary>
    internal static ChunkedPolicy? TryParse(string name, PolicyKnobs knobs)
    {
        if (name == "chunked") return new ChunkedPolicy(knobs.ChunkBudgetTokens ?? DefaultBudgetTokens);
        if (!name.StartsWith(Prefix, StringComparison.Ordinal) || !PolicyKnobs.TryPositive(name[Prefix.Length..], out int budget)) return null;
        PolicyKnobs.RefuseConflict(name, "chunk budget", budget, knobs.ChunkBudgetTokens, "--chunk-budget");
        return new ChunkedPolicy(budget);
    }
}

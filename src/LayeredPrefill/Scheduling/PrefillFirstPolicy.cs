using LayeredPrefill.Models;

namespace LayeredPrefill.Scheduling;

/// <summary>Prefill-first (Orca, vLLM v0): whole prompts through all layers whenever they can be admitted; decodes wait.</summary>
public sealed record PrefillFirstPolicy : SchedulingPolicy
{
    /// <summary>The policy (it has no knobs).</summary>
    public static PrefillFirstPolicy Instance { get; } = new();

    /// <summary>Names a user may type.</summary>
    public static readonly IReadOnlyList<string> Names = ["prefill-first"];

    private PrefillFirstPolicy() { }

    /// <inheritdoc />
    public override string Name => "prefill-first";

    /// <inheritdoc />
    public override string Family => "prefill-first";

    /// <inheritdoc />
    public override string Knob => "";

    /// <inheritdoc />
    // vLLM v0 batches prompts up to max_num_batched_tokens, which defaults to the max model length.
    public override SchedulerBase CreateScheduler(MoeModel model, SchedulerSettings settings) =>
        new PrefillFirstScheduler(model.Layers, settings, model.MaxModelLengthTokens);

    /// <summary>`prefill-first` (or `prefill_first`); null for another family's name.</summary>
    internal static PrefillFirstPolicy? TryParse(string name, PolicyKnobs knobs) => name is "prefill-first" or "prefill_first" ? Instance : null;
}

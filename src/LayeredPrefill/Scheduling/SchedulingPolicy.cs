using LayeredPrefill.Models;

namespace LayeredPrefill.Scheduling;

/// <summary>
/// A scheduling policy and its knobs, as a record: it owns its defaults, checks its knobs, names itself and builds its
/// scheduler. <see cref="PolicyRegistry"/> chooses one by name.
/// </summary>
public abstract record SchedulingPolicy
{
    /// <summary>The canonical name with every knob that tells two runs apart: chunked-512, layered-g4, layered-adaptive-b4096, prefill-first.</summary>
    /// <remarks>The one spelling: the scheduler's name, the result JSON's "policy", report columns and sweep point keys all use it, and the registry parses it back.</remarks>
    public abstract string Name { get; }

    /// <summary>The family: chunked, layered or prefill-first.</summary>
    public abstract string Family { get; }

    /// <summary>The knob as a short label for plots and tables: the chunk budget, G4, adaptive, or "" for prefill-first.</summary>
    public abstract string Knob { get; }

    /// <summary>Refuses knobs <paramref name="model"/> cannot run, naming the option.</summary>
    public virtual SchedulingPolicy Validate(MoeModel model) => this;

    /// <summary>The scheduler that runs this policy on <paramref name="model"/>.</summary>
    public abstract SchedulerBase CreateScheduler(MoeModel model, SchedulerSettings settings);

    /// <summary>The canonical name.</summary>
    public sealed override string ToString() => Name;
}

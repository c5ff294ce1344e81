namespace LayeredPrefill.ResultsComparer;

/// <summary>What the gate concluded about one row.</summary>
public enum Verdict
{
    /// <summary>Within the threshold (timing) or the tolerance (metric).</summary>
    Same,
    /// <summary>Significantly faster than the threshold allows: good news, not a failure.</summary>
    Faster,
    /// <summary>Slower beyond the threshold: a regression.</summary>
    Slower,
    /// <summary>Slower beyond the threshold on a machine the timings are not gated on.</summary>
    SlowerNotGated,
    /// <summary>Slower by the test, but by less than the noise floor.</summary>
    UnderNoiseFloor,
    /// <summary>A deterministic metric moved: the simulation's answer changed.</summary>
    Changed,
    /// <summary>A deterministic metric moved, against a baseline it is not gated on.</summary>
    ChangedNotGated,
    /// <summary>In the baseline but not in this run (the subset or a metric disappeared), or, for a timing judged against a
    /// timing reference, not in that reference.</summary>
    Missing,
    /// <summary>In this run but not in the baseline (accept it with --update-baseline).</summary>
    New,
    /// <summary>Too few measured iterations to test.</summary>
    TooFewSamples,
}

/// <summary>Which verdicts fail the gate.</summary>
public static class Verdicts
{
    /// <summary>True when <paramref name="verdict"/> is a regression.</summary>
    public static bool Fails(this Verdict verdict) => verdict is Verdict.Slower or Verdict.Changed or Verdict.Missing or Verdict.TooFewSamples;

    /// <summary>The word printed in the table.</summary>
    public static string Text(this Verdict verdict) => verdict switch
    {
        Verdict.Same => "same",
        Verdict.Faster => "faster",
        Verdict.Slower => "**SLOWER**",
        Verdict.SlowerNotGated => "slower (not gated)",
        Verdict.UnderNoiseFloor => "same (under noise floor)",
        Verdict.Changed => "**CHANGED**",
        Verdict.ChangedNotGated => "changed (not gated)",
        Verdict.Missing => "**MISSING**",
        Verdict.New => "new",
        Verdict.TooFewSamples => "**TOO FEW SAMPLES**",
        _ => verdict.ToString(),
    };
}

namespace LayeredPrefill.Benchmarks.Suites;

/// <summary>
/// Demonstration hook for the regression gate: LAYERED_PREFILL_BENCH_PLANTED_SLOWDOWN=N makes a
/// benchmark repeat its work N times, a real N× slowdown the gate must catch. Unset (the default) = 1.
/// </summary>
public static class PlantedSlowdown
{
    /// <summary>The environment variable that plants the slowdown.</summary>
    public const string Variable = "LAYERED_PREFILL_BENCH_PLANTED_SLOWDOWN";

    /// <summary>How many times a benchmark does its work (1 unless the variable asks for more).</summary>
    public static int Factor { get; } =
        int.TryParse(Environment.GetEnvironmentVariable(Variable), out int factor) && factor > 1 ? factor : 1;
}

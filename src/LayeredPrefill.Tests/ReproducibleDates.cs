using System.Runtime.CompilerServices;

namespace LayeredPrefill.Tests;

/// <summary>
/// Result files carry vLLM's wall-clock "date"; the tests fix it through SOURCE_DATE_EPOCH (the reproducible-builds variable
/// the writer honours), set before any test runs and inherited by the CLI processes they start, so byte comparisons hold.
/// </summary>
internal static class ReproducibleDates
{
    [ModuleInitializer]
    internal static void Fix() => Environment.SetEnvironmentVariable("SOURCE_DATE_EPOCH", "1800000000");
}

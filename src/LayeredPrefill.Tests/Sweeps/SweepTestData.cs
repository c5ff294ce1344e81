using LayeredPrefill.Sweeps;

namespace LayeredPrefill.Tests.Sweeps;

/// <summary>Tiny sweeps and scratch folders for the sweep and report tests.</summary>
internal static class SweepTestData
{
    public static SweepDefinition Tiny(string name = "tiny", int seed = 3) => new(
        name, ["chunked-256", "layered-adaptive", "prefill-first"],
        [new SweepGrid(["qwen3-30b-a3b"], ["sharegpt"], [3.0, 6.0])], RequestsPerPoint: 10, Seed: seed);

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "lp-sweep-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}

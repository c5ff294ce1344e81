using LayeredPrefill.Sweeps;

namespace LayeredPrefill.Tests.Sweeps;

/// <summary>The capacity searches run in parallel; a failure in one reaches the caller as itself, so the CLI prints it in one line.</summary>
public sealed class CapacityRunnerTests : IDisposable
{
    private readonly string _dir = SweepTestData.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_probe_that_cannot_be_saved_is_one_user_error_not_an_aggregate()
    {
        var definition = new SweepDefinition("cap", ["chunked-256", "prefill-first"], [new SweepGrid(["tiny-moe"], ["arxiv-long"], [1.0])],
            RequestsPerPoint: 4, TensorParallel: 1, CapacityTarget: 0.9);
        var store = new SweepStore(_dir, definition.Name);
        // What a full or read-only disk does to every probe's save, as a file where the points folder should be does here (root too).
        Directory.CreateDirectory(store.Folder);
        File.WriteAllText(store.PointsFolder, "a file, not a folder");
        var e = Assert.Throws<UserInputException>(() => CapacityRunner.Run(definition, store));
        Assert.StartsWith("cannot write '", e.Message);
    }
}

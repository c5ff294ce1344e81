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

    [Fact]
    public void The_search_grid_skips_fixed_request_grids_among_several_and_is_null_for_a_pair_no_grid_holds()
    {
        var fixedCount = new SweepGrid(["tiny-moe"], ["arxiv-long"], [1.0], Requests: 4);
        var rated = new SweepGrid(["tiny-moe"], ["arxiv-long", "sharegpt"], [1.0, 2.0]);
        var both = new SweepDefinition("cap", ["chunked-256"], [fixedCount, rated], TensorParallel: 1, CapacityTarget: 0.9);
        Assert.Same(rated, CapacityRunner.SearchGrid(both, "tiny-moe", "arxiv-long"));
        Assert.Null(CapacityRunner.SearchGrid(both, "small-moe", "arxiv-long"));
        var alone = both with { Grids = [fixedCount] };
        Assert.Same(fixedCount, CapacityRunner.SearchGrid(alone, "tiny-moe", "arxiv-long"));
    }

    [Fact]
    public void Probe_points_of_a_search_whose_grid_was_removed_are_left_out_not_a_crash()
    {
        var definition = new SweepDefinition("cap", ["chunked-256"], [new SweepGrid(["tiny-moe"], ["arxiv-long"], [1.0])],
            RequestsPerPoint: 4, TensorParallel: 1, CapacityTarget: 0.9);
        var store = new SweepStore(_dir, definition.Name);
        var results = CapacityRunner.Run(definition, store);
        Assert.NotEmpty(CapacityFile.ProbePoints(definition, store));
        var other = definition with { Grids = [new SweepGrid(["small-moe"], ["arxiv-long"], [1.0])] };
        Assert.Empty(CapacityFile.ProbePoints(other, store));
        Assert.NotEmpty(results);
    }
}

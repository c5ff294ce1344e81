using LayeredPrefill.Sweeps;

namespace LayeredPrefill.Tests.Sweeps;

public class SweepResumeTests
{
    private static Dictionary<string, byte[]> Files(SweepStore store) =>
        Directory.GetFiles(store.Folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(store.Folder, f), File.ReadAllBytes);

    [Fact]
    public async Task Interrupted_then_resumed_sweep_gives_byte_identical_point_files()
    {
        int seed = new Random().Next(1000);
        var def = SweepTestData.Tiny(seed: seed);
        var whole = new SweepStore(SweepTestData.TempDir(), def.Name);
        var first = await SweepRunner.RunAsync(def, whole);
        Assert.Equal(def.Points().Count, first.Ran);

        var resumed = new SweepStore(SweepTestData.TempDir(), def.Name);
        using var cancel = new CancellationTokenSource();
        int done = 0, k = 2;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SweepRunner.RunAsync(def, resumed,
            (_, _) => { if (Interlocked.Increment(ref done) == k) cancel.Cancel(); }, cancel.Token, parallelism: 1));
        var partial = Files(resumed);
        Assert.Equal(k, partial.Keys.Count(f => f.StartsWith("points", StringComparison.Ordinal)));
        Assert.DoesNotContain(partial.Keys, f => f.Contains(".tmp", StringComparison.Ordinal));

        var second = await SweepRunner.RunAsync(def, resumed);
        Assert.Equal(k, second.Skipped);
        Assert.Equal(def.Points().Count - k, second.Ran);
        var a = Files(whole);
        var b = Files(resumed);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        // Byte-identical but for vLLM's "date" line, the wall-clock time each point was written.
        static string Undated(byte[] bytes) => string.Join('\n', System.Text.Encoding.UTF8.GetString(bytes).Split('\n').Where(l => !l.TrimStart().StartsWith("\"date\":", StringComparison.Ordinal)));
        foreach (var (file, bytes) in a) Assert.True(Undated(bytes) == Undated(b[file]), $"{file} differs after resuming");
    }

    [Fact]
    public async Task Finished_sweep_reruns_nothing_and_results_parse_back()
    {
        var def = SweepTestData.Tiny("rerun", new Random().Next(1000));
        var store = new SweepStore(SweepTestData.TempDir(), def.Name);
        await SweepRunner.RunAsync(def, store);
        var again = await SweepRunner.RunAsync(def, store);
        Assert.Equal(0, again.Ran);
        var results = store.Load(def.Points());
        Assert.Equal(def.Points().Select(p => p.Key), results.Select(r => r.Key));
        Assert.All(results, r => Assert.Equal(10, r.Requests));
        Assert.All(results, r => Assert.InRange(r.SloAttainment, 0, 1));
        Assert.Equal(SweepDefinitionJson.Write(def), SweepDefinitionJson.Write(store.LoadDefinition()));
    }

    [Fact]
    public void Point_keys_are_distinct_and_filesystem_safe()
    {
        var def = new SweepDefinition("keys", ["chunked-128", "chunked-4096", "layered-g4", "layered-adaptive", "prefill-first"],
            [new SweepGrid(["qwen3-30b-a3b", "gpt-oss-20b"], ["arxiv-long", "sharegpt"], [1.25, 2.5])]);
        var keys = def.Points().Select(p => p.Key).ToArray();
        Assert.Equal(5 * 2 * 2 * 2, keys.Length);
        Assert.Equal(keys.Length, keys.Distinct().Count());
        Assert.All(keys, k => Assert.Matches("^[a-z0-9._-]+$", k));
    }
}

using System.Text.Json;
using LayeredPrefill.IO;
using LayeredPrefill.Sweeps;

namespace LayeredPrefill.Tests.Sweeps;

/// <summary>
/// Issue 18's silent wrong results: a point is its content, not its name. Rates that round alike, traces whose names
/// differ only in case, and edited traces, configs or device profiles each get their own run; a truncated point file
/// is rerun; names stay under 255 bytes; a second sweep on the same folder is refused.
/// </summary>
public sealed class SweepIdentityTests : IDisposable
{
    private readonly string _dir = SweepTestData.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private SweepDefinition Def(IReadOnlyList<string> traces, IReadOnlyList<double> rates, string model = "tiny-moe", string device = "h100-sxm",
        string name = "ident") =>
        new(name, ["chunked-256"], [new SweepGrid([model], traces, rates)], RequestsPerPoint: 8, Device: device, TensorParallel: 1);

    private string Csv(string name, string rows)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, "num_prefill_tokens,num_decode_tokens\n" + rows);
        return path;
    }

    private static JsonElement Result(SweepStore store, SweepPoint p)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(store.PathOf(p)));
        return doc.RootElement.Clone();
    }

    [Fact]
    public async Task Rates_that_round_alike_are_two_points()
    {
        var def = Def(["arxiv-long"], [1.00001, 1.00002]);
        var store = new SweepStore(_dir, def.Name);
        var outcome = await SweepRunner.RunAsync(def, store);
        Assert.Equal(2, outcome.Ran);
        var points = def.Points();
        Assert.NotEqual(points[0].Key, points[1].Key);
        Assert.Equal([1.00001, 1.00002], points.Select(p => Result(store, p).GetProperty("request_rate").GetDouble()));
        // A third rate that the old key's four decimals rounded onto the first one runs too.
        var more = Def(["arxiv-long"], [1.00001, 1.00002, 1.000014]);
        Assert.Equal(1, (await SweepRunner.RunAsync(more, store)).Ran);
    }

    [Fact]
    public async Task Traces_whose_names_differ_in_case_are_two_points_with_their_own_data()
    {
        string upper = Csv("T.csv", "100,10\n"), lower = Csv("t.csv", "3000,50\n");
        var def = Def([upper, lower], [2]);
        var store = new SweepStore(_dir, def.Name);
        Assert.Equal(2, (await SweepRunner.RunAsync(def, store)).Ran);
        var points = def.Points();
        Assert.NotEqual(points[0].Key.ToLowerInvariant(), points[1].Key.ToLowerInvariant()); // distinct even on a case-folding file system
        var inputs = points.Select(p => Result(store, p).GetProperty("total_input_tokens").GetInt64()).ToArray();
        Assert.Equal([8 * 100, 8 * 3000], inputs);
    }

    [Fact]
    public async Task Editing_a_trace_a_config_or_a_device_profile_reruns_exactly_the_points_that_read_it()
    {
        string trace = Csv("edit.csv", "100,10\n200,20\n");
        string config = Path.Combine(_dir, "model", "config.json");
        Directory.CreateDirectory(Path.GetDirectoryName(config)!);
        File.WriteAllText(config, File.ReadAllText(Fixture.Path("configs", "qwen3_30b_a3b.json")).Replace("\"num_hidden_layers\": 48", "\"num_hidden_layers\": 2"));
        string device = Path.Combine(_dir, "gpu.json");
        File.Copy(Fixture.Path("devices", "valid.json"), device);
        var def = new SweepDefinition("edits", ["chunked-256"], [new SweepGrid(["tiny-moe", config], [trace, "arxiv-long"], [2])],
            RequestsPerPoint: 8, Device: device, TensorParallel: 1);
        var store = new SweepStore(_dir, def.Name);
        Assert.Equal(4, (await SweepRunner.RunAsync(def, store)).Ran);
        Assert.Equal(0, (await SweepRunner.RunAsync(def, store)).Ran);

        File.WriteAllText(trace, "num_prefill_tokens,num_decode_tokens\n100,10\n200,21\n");
        using (var plan = SweepPlan.Prepare(def, store))
        {
            Assert.Equal(2, plan.RerunChanged); // both models on the edited trace; arxiv-long stays
            Assert.Contains("2 rerun because their inputs changed", plan.Header());
        }
        Assert.Equal(2, (await SweepRunner.RunAsync(def, store)).Ran);

        File.WriteAllText(config, File.ReadAllText(config).Replace("\"num_experts_per_tok\": 8", "\"num_experts_per_tok\": 4"));
        Assert.Equal(2, (await SweepRunner.RunAsync(def, store)).Ran); // the config's model on both traces

        File.WriteAllText(device, File.ReadAllText(device).Replace("\"idleWatts\": 122.5", "\"idleWatts\": 150"));
        Assert.Equal(4, (await SweepRunner.RunAsync(def, store)).Ran); // every point runs on the device
    }

    [Fact]
    public async Task A_truncated_point_file_and_stale_temporaries_are_not_counted_as_done()
    {
        var def = Def(["arxiv-long"], [1, 2]);
        var store = new SweepStore(_dir, def.Name);
        await SweepRunner.RunAsync(def, store);
        var first = def.Points()[0];
        byte[] whole = File.ReadAllBytes(store.PathOf(first));
        File.WriteAllBytes(store.PathOf(first), whole[..(whole.Length / 2)]);
        File.WriteAllText(Path.Combine(store.PointsFolder, AtomicFile.TemporaryName(first.Key + ".json")), "{\"half");
        using (var plan = SweepPlan.Prepare(def, store))
        {
            Assert.Equal(1, plan.RerunDamaged);
            Assert.Equal(1, plan.TemporariesRemoved);
            Assert.Equal([first], plan.Todo.Select(t => t.Point));
        }
        Assert.Equal(1, (await SweepRunner.RunAsync(def, store)).Ran);
        Assert.Equal(whole, File.ReadAllBytes(store.PathOf(first)));
        Assert.DoesNotContain(Directory.GetFiles(store.PointsFolder), f => AtomicFile.IsTemporary(Path.GetFileName(f)));
    }

    [Fact]
    public async Task Long_paths_and_extreme_rates_give_names_under_255_bytes_that_run_and_resume()
    {
        string deep = _dir;
        for (int i = 0; i < 3; i++) deep = Path.Combine(deep, new string((char)('a' + i), 120));
        Directory.CreateDirectory(deep);
        string trace = Path.Combine(deep, new string('t', 200) + ".csv");
        File.WriteAllText(trace, "num_prefill_tokens,num_decode_tokens\n100,10\n");
        var def = Def([trace], [1e300, 3.141592653589793]);
        var store = new SweepStore(_dir, def.Name);
        Assert.Equal(2, (await SweepRunner.RunAsync(def, store)).Ran);
        Assert.All(def.Points(), p => Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(p.Key + ".json"), 1, 200));
        Assert.Equal(0, (await SweepRunner.RunAsync(def, store)).Ran);
    }

    [Fact]
    public void A_second_sweep_on_the_same_folder_is_refused_while_the_first_holds_it()
    {
        var def = Def(["arxiv-long"], [1]);
        var store = new SweepStore(_dir, def.Name);
        using var first = SweepPlan.Prepare(def, store);
        var other = def with { TensorParallel = 2 };
        var e = Assert.Throws<UserInputException>(() => SweepPlan.Prepare(other, store));
        Assert.StartsWith($"sweep 'ident': process {Environment.ProcessId} is running it (lock file {store.LockPath})", e.Message);
    }
}

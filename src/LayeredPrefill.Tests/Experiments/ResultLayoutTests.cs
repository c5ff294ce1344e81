using System.Text.Json;
using LayeredPrefill.Experiments;
using LayeredPrefill.Tests.Cli;

namespace LayeredPrefill.Tests.Experiments;

/// <summary>The result files as a user loads them: flat vLLM-keyed objects, one per run, valid against the published schema.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ResultLayoutTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lp-layout-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Small = ["--model", "tiny-moe", "--tp", "1", "--prompt-tokens", "300", "--output-tokens", "6", "--requests", "8", "--rate", "4"];

    private CliRunner.Outcome Compare(params string[] extra)
    {
        var outcome = CliRunner.Run(["compare", .. Small, "--policies", "chunked-128,layered-g2,prefill-first", "--output", Path.Combine(_dir, "cmp.json"), .. extra]);
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        return outcome;
    }

    /// <summary>vLLM's keys, spelled as `vllm bench serve` writes them.</summary>
    private static readonly string[] VllmKeys =
    [
        "date", "backend", "label", "model_id", "num_prompts", "request_rate", "burstiness", "max_concurrency", "completed", "failed", "duration",
        "total_input_tokens", "total_output_tokens", "request_throughput", "request_goodput", "output_throughput", "total_token_throughput",
        "max_output_tokens_per_s", "max_concurrent_requests",
        .. new[] { "ttft", "tpot", "itl", "e2el" }.SelectMany(m => new[] { "mean", "median", "std", "p90", "p95", "p99", "p99.9" }.Select(s => $"{s}_{m}_ms")),
    ];

    [Fact]
    public void Compare_writes_one_flat_vllm_keyed_file_per_policy_beside_an_index()
    {
        Compare();
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "cmp.json")));
        Assert.Equal("index", index.RootElement.GetProperty("kind").GetString());
        var files = index.RootElement.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("file").GetString()!).ToArray();
        Assert.Equal(["cmp.chunked-128.json", "cmp.layered-g2.json", "cmp.prefill-first.json"], files);
        Assert.Equal(files.Order(), Directory.GetFiles(_dir, "cmp.*.json").Select(Path.GetFileName).Order()); // the glob a user writes finds the runs only
        foreach (string file in files)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, file)));
            var root = doc.RootElement;
            foreach (string key in VllmKeys) Assert.True(root.TryGetProperty(key, out _), $"{file} lacks vLLM's '{key}'");
            // Flat: without the array options every value is a scalar.
            Assert.All(root.EnumerateObject(), p => Assert.True(p.Value.ValueKind is not (JsonValueKind.Array or JsonValueKind.Object), $"{file}: '{p.Name}' is not a scalar"));
            Assert.Equal(8, root.GetProperty("num_prompts").GetInt32());
            Assert.Equal(4, root.GetProperty("request_rate").GetDouble());
            Assert.Equal(JsonValueKind.Null, root.GetProperty("request_goodput").ValueKind); // vLLM's: null without --goodput
            Assert.Equal(2, root.GetProperty("format_version").GetInt32());
        }
    }

    [Fact]
    public void This_tools_files_and_vllms_load_into_one_frame_with_numeric_shared_columns()
    {
        Compare("--goodput", "ttft:10000", "tpot:125");
        var files = Directory.GetFiles(_dir, "cmp.*.json").Order().Append(Fixture.Path("results", "vllm-bench-serve-layout.json")).ToArray();
        var frame = DataFrameLike.FromJsonFiles(files);
        Assert.Equal(4, frame.Rows.Count);
        foreach (string key in VllmKeys.Where(k => k is not ("date" or "backend" or "label" or "model_id")))
            Assert.True(frame.IsNumeric(key), $"column '{key}' is not numeric across this tool's and vLLM's files");
        Assert.Equal(["layered-prefill", "layered-prefill", "layered-prefill", "vllm"], frame.Rows.Select(r => (string?)r["backend"]));
        Assert.All(frame.Rows.Take(3), r => Assert.IsType<double>(r["request_goodput"]));
    }

    [Fact]
    public void Every_file_a_command_writes_passes_the_published_schema()
    {
        Compare("--timelines", "--iteration-log", "--save-detailed", "--goodput", "ttft:10000", "--max-concurrency", "3");
        var run = CliRunner.Run("run", "--model", "tiny-moe", "--tp", "1", "--prompt-tokens", "300", "--output-tokens", "6", "--requests", "8",
            "--ramp-up-strategy", "linear", "--ramp-up-start-rps", "1", "--ramp-up-end-rps", "5", "--output", Path.Combine(_dir, "one.json"));
        Assert.True(run.ExitCode == 0, run.StdErr);
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixture.RepositoryRoot(), "results", "schema", "result.schema.json")));
        using var indexSchema = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixture.RepositoryRoot(), "results", "schema", "index.schema.json")));
        Assert.Equal(ResultSchema.Result, File.ReadAllText(Path.Combine(Fixture.RepositoryRoot(), "results", "schema", "result.schema.json")));
        // Every file this command wrote, and every committed reference result and sweep point (their identity fields too).
        string results = Path.Combine(Fixture.RepositoryRoot(), "results");
        var committed = Directory.GetFiles(results, "*.json").Concat(Directory.GetFiles(Path.Combine(results, "sweeps", "default"), "*.json", SearchOption.AllDirectories))
            .Where(f => !Path.GetFileName(f).StartsWith("definition", StringComparison.Ordinal) && Path.GetFileName(f) != "capacity.json");
        foreach (string file in Directory.GetFiles(_dir, "*.json").Concat(committed))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            bool isIndex = doc.RootElement.TryGetProperty("kind", out _);
            var errors = JsonSchemaCheck.Errors((isIndex ? indexSchema : schema).RootElement, doc.RootElement);
            Assert.True(errors.Count == 0, $"{Path.GetFileName(file)}: {string.Join("; ", errors.Take(5))}");
        }
        using var one = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "one.json")));
        Assert.Equal("linear", one.RootElement.GetProperty("ramp_up_strategy").GetString());
        Assert.Equal(JsonValueKind.Null, one.RootElement.GetProperty("request_rate").ValueKind);
    }

    [Fact]
    public void Format_csv_prints_one_row_per_policy_with_plain_numbers()
    {
        var outcome = CliRunner.Run(["compare", .. Small, "--policies", "chunked-128,layered-g2", "--format", "csv"]);
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        var frame = DataFrameLike.FromCsv(outcome.StdOut);
        Assert.Equal(2, frame.Rows.Count);
        Assert.Equal(["chunked-128", "layered-g2"], frame.Rows.Select(r => (string?)r["policy"]));
        foreach (string key in new[] { "mean_ttft_ms", "p99_itl_ms", "request_throughput", "slo_attainment", "max_itl_ms", "expert_weight_bytes" })
            Assert.True(frame.IsNumeric(key), key);
    }

    [Fact]
    public void Requests_csv_has_vidurs_columns_and_replays_as_a_trace()
    {
        string csv = Path.Combine(_dir, "requests.csv");
        var outcome = CliRunner.Run(["run", .. Small, "--policies", "chunked-128", "--requests-csv", csv]);
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        var frame = DataFrameLike.FromCsv(File.ReadAllText(csv));
        Assert.Equal(RequestMetricsCsv.Columns, frame.Columns);
        Assert.All(new[] { "request_e2e_time", "prefill_e2e_time", "request_scheduling_delay" }, c => Assert.True(frame.IsNumeric(c), c));
        var replay = LayeredPrefill.Workloads.TraceReader.ReadFile(csv);
        Assert.True(replay.HasTimestamps);
        Assert.Equal(8, replay.Rows.Count);
        Assert.All(replay.Rows, r => Assert.Equal(300, r.PromptTokens));
    }
}

namespace LayeredPrefill.Tests.Cli.Commands;

/// <summary>One input a user can get wrong: the CLI arguments, and the text its one-line error must contain (the option or file place).</summary>
/// <param name="Input">What is wrong, for the README table.</param>
/// <param name="Args">CLI arguments; "{fx}" is the test fixtures folder, "{tmp}" a fresh scratch folder, "{repo}" the repository root.</param>
/// <param name="Names">The option or "file:line:column" place the message must name.</param>
/// <param name="Files">Files to write into "{tmp}" first (name, text; written as UTF-8).</param>
/// <param name="Tool">The executable: layered-prefill, or results-comparer (the benchmark gate).</param>
/// <param name="RawFiles">Files to write into "{tmp}" as given bytes (invalid UTF-8, UTF-16).</param>
public sealed record BadInputCase(string Input, string[] Args, string Names, (string Name, string Text)[]? Files = null, string Tool = "layered-prefill",
    (string Name, byte[] Bytes)[]? RawFiles = null)
{
    public override string ToString() => Input;
}

/// <summary>Every bad-input case the CLI must refuse with one line and exit code 2; the README's "Bad input" table is rendered from this list.</summary>
public static class BadInputCases
{
    // Small and fast unless the case needs the default: errors must come before any long work.
    private static string[] Run(params string[] args) => ["run", .. args];

    private const string Gate = "results-comparer";

    private static string[] Sweep(params string[] args) => ["sweep", "--results-dir", "{tmp}/results", .. args];

    private const string LengthHeader = "num_prefill_tokens,num_decode_tokens\n";

    private static (string, string)[] Csv(string name, string text) => [(name, text)];

    // The fixture profile with one number changed (a typo of an exponent or a unit).
    private static (string, string)[] Device(string name, string field, string value)
    {
        string text = File.ReadAllText(Fixture.Path("devices", "valid.json"));
        int at = text.IndexOf($"\"{field}\": ", StringComparison.Ordinal) + field.Length + 4;
        int end = text.IndexOfAny([',', '\n'], at);
        return [(name, text[..at] + value + text[end..])];
    }

    // A sweep definition of rates × the default's six policies: 70,000 rates give 420,000 points.
    private static string ManyRates(int rates) =>
        "{\"name\": \"big\", \"models\": [\"tiny-moe\"], \"tp\": 1, \"requests\": 10, \"rates\": [" +
        string.Join(",", Enumerable.Range(1, rates).Select(i => (i * 0.001).ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]}";

    public static IReadOnlyList<BadInputCase> All { get; } =
    [
        // Command line
        new("unknown verb", ["sevre"], "'sevre'"),
        new("unknown option", Run("--request", "5"), "'--request'"),
        new("option value of the wrong type", Run("--requests", "many"), "--requests"),
        new("number too large for its type", Run("--requests", "99999999999"), "--requests"),
        new("zero requests", Run("--requests", "0"), "--requests"),
        new("absurd request count", Run("--requests", "2000000000"), "--requests"),
        new("zero arrival rate", Run("--rate", "0"), "--rate"),
        new("NaN arrival rate", Run("--rate", "NaN"), "--rate"),
        new("negative time scale", Run("--time-scale", "-1"), "--time-scale"),
        new("arrival rate so low the clock loses resolution", Run("--rate", "1e-300"), "--rate"),
        new("time scale so small the clock loses resolution", Run("--trace-file", "{fx}/traces/good_splitwise.csv", "--requests", "4", "--time-scale", "1e-300"), "--time-scale"),
        new("zero prompt tokens", Run("--prompt-tokens", "0"), "--prompt-tokens"),
        new("zero output tokens", Run("--prompt-tokens", "100", "--output-tokens", "0"), "--output-tokens"),
        new("prompt + output beyond the max model length", Run("--prompt-tokens", "40000"), "--prompt-tokens"),
        new("prompt + output overflowing int", Run("--prompt-tokens", "2147483647", "--output-tokens", "2147483647"), "--prompt-tokens"),
        new("zero chunk budget", Run("--policies", "chunked", "--chunk-budget", "0"), "--chunk-budget"),
        new("layer groups not a number", Run("--layer-groups", "some"), "--layer-groups"),
        new("more layer groups than layers", Run("--layer-groups", "1000"), "--layer-groups"),
        new("negative layered budget", Run("--layered-budget", "-1"), "--layered-budget"),
        new("chunk budget named twice, differently", Run("--policies", "chunked-256", "--chunk-budget", "1024"), "--chunk-budget"),
        new("layer groups named twice, differently", Run("--policies", "layered-g4", "--layer-groups", "8"), "--layer-groups"),
        new("unknown policy", Run("--policies", "layerd"), "--policies"),
        new("empty policy list", Run("--policies", ","), "--policies"),
        new("two policies for `run`", Run("--policies", "chunked,layered"), "--policies"),
        new("duplicate policy for `compare`", ["compare", "--policies", "chunked,chunked-512"], "--policies"),
        new("zero tensor parallelism", Run("--tp", "0"), "--tp"),
        new("TP not dividing the query heads", Run("--tp", "3"), "--tp"),
        new("zero TTFT SLO", Run("--slo-ttft-ms", "0"), "--slo-ttft-ms"),
        new("infinite ITL SLO", Run("--slo-itl-ms", "Infinity"), "--slo-itl-ms"),
        new("zero max sequences", Run("--max-seqs", "0"), "--max-seqs"),
        new("memory utilisation above 1", Run("--gpu-memory-utilization", "1.5"), "--gpu-memory-utilization"),
        new("NaN memory utilisation", Run("--gpu-memory-utilization", "NaN"), "--gpu-memory-utilization"),
        new("weights do not fit the memory", Run("--tp", "1", "--gpu-memory-utilization", "0.05"), "--gpu-memory-utilization"),
        new("unknown routing", Run("--routing", "random"), "--routing"),
        new("negative Zipf skew", Run("--routing", "sampled", "--zipf-skew", "-1"), "--zipf-skew"),
        new("absurd Zipf skew", Run("--routing", "sampled", "--zipf-skew", "1e308"), "--zipf-skew"),
        // Models
        new("unknown model preset", Run("--model", "qwen4"), "--model"),
        new("layers out of range", Run("--layers", "0"), "--layers"),
        new("config.json that does not exist", Run("--model-config", "{tmp}/missing/config.json"), "config.json"),
        new("model folder without a config.json", Run("--model-config", "{fx}/models/empty-folder"), "empty-folder"),
        new("deepseek_v3 config without q_lora_rank", Run("--model-config", "{fx}/configs/broken_deepseek_v3_no_q_lora.json"), "'q_lora_rank'"),
        new("qwen2_moe config with a negative shared expert size", Run("--model-config", "{fx}/configs/broken_qwen2_moe_shared_negative.json"), "'shared_expert_intermediate_size'"),
        new("config.json malformed", Run("--model-config", "{fx}/configs/broken_malformed.json"), "broken_malformed.json:"),
        new("config.json missing a field", Run("--model-config", "{fx}/configs/broken_missing_field.json"), "'moe_intermediate_size'"),
        new("config.json field of the wrong type", Run("--model-config", "{fx}/configs/broken_wrong_type.json"), "broken_wrong_type.json: field"),
        new("config.json top-k above experts", Run("--model-config", "{fx}/configs/broken_topk_exceeds_experts.json"), "'num_experts_per_tok'"),
        new("config.json heads not divisible", Run("--model-config", "{fx}/configs/broken_heads_not_divisible.json"), "broken_heads_not_divisible.json: field"),
        new("config.json contradicting aliases", Run("--model-config", "{fx}/configs/broken_gpt_oss_experts_alias.json"), "'experts_per_token'"),
        new("config.json unknown model_type", Run("--model-config", "{fx}/configs/broken_unknown_model_type.json"), "'model_type'"),
        new("config.json unknown dtype", Run("--model-config", "{fx}/configs/broken_dtype.json"), "broken_dtype.json: field"),
        new("config.json with an absurd layer count", Run("--model-config", "{fx}/configs/broken_absurd_layers.json"), "broken_absurd_layers.json: layers"),
        new("config.json with petabytes of experts", Run("--model-config", "{fx}/configs/broken_absurd_size.json"), "broken_absurd_size.json: "),
        // Traces
        new("unknown embedded trace", Run("--trace", "arxv"), "--trace"),
        new("trace file that does not exist", Run("--trace-file", "{tmp}/missing.csv"), "missing.csv"),
        new("trace file that is a directory", Run("--trace-file", "{fx}/traces"), "traces"),
        new("empty trace", Run("--trace-file", "{fx}/traces/bad_empty.csv"), "bad_empty.csv:1:1"),
        new("header only", Run("--trace-file", "{fx}/traces/bad_header_only.csv"), "bad_header_only.csv:2:1"),
        new("missing length columns", Run("--trace-file", "{fx}/traces/bad_header.csv"), "bad_header.csv:1:1"),
        new("too few fields in a row", Run("--trace-file", "{fx}/traces/bad_too_few_fields.csv"), "bad_too_few_fields.csv:3:3"),
        new("too many fields in a row", Run("--trace-file", "{fx}/traces/bad_too_many_fields.csv"), "bad_too_many_fields.csv:3:3"),
        new("length that is not a number", Run("--trace-file", "{fx}/traces/bad_type.csv"), "bad_type.csv:3:2"),
        new("fractional length", Run("--trace-file", "{fx}/traces/bad_fraction.csv"), "bad_fraction.csv:2:2"),
        new("negative length", Run("--trace-file", "{fx}/traces/bad_negative.csv"), "bad_negative.csv:3:1"),
        new("zero prompt length", Run("--trace-file", "{fx}/traces/bad_zero_prompt.csv"), "bad_zero_prompt.csv:4:1"),
        new("zero output length", Run("--trace-file", "{fx}/traces/bad_zero_output.csv"), "bad_zero_output.csv:2:2"),
        new("NaN length", Run("--trace-file", "{fx}/traces/bad_nan.csv"), "bad_nan.csv:4:2"),
        new("length too large for any model", Run("--trace-file", "{fx}/traces/bad_too_large.csv"), "bad_too_large.csv:2:1"),
        new("no request fits the model", Run("--trace-file", "{tmp}/long.csv", "--requests", "3"), "--trace-file",
            [("long.csv", "num_prefill_tokens,num_decode_tokens\n40000,10\n50000,10\n")]),
        new("arrival time overflowing to infinity", Run("--trace-file", "{tmp}/overflow.csv"), "overflow.csv:2:1",
            [("overflow.csv", "arrived_at,num_prefill_tokens,num_decode_tokens\n1e400,100,10\n")]),
        new("config.json malformed inside a multi-line token", Run("--model-config", "{tmp}/config.json"), "config.json:3:",
            [("config.json", "{\n  \"model_type\": \"qwen3_moe\",\n  \"layer_types\": [nul\n \"x\"]\n}\n")]),
        new("infinite arrival time", Run("--trace-file", "{fx}/traces/bad_inf_arrival.csv"), "bad_inf_arrival.csv:3:1"),
        new("unparseable timestamp", Run("--trace-file", "{fx}/traces/bad_timestamp.csv"), "bad_timestamp.csv:3:1"),
        new("BurstGPT timestamp that is not a number", Run("--trace-file", "{fx}/traces/bad_burstgpt_timestamp.csv"), "bad_burstgpt_timestamp.csv:3:1"),
        new("Date/Time trace with an impossible time", Run("--trace-file", "{fx}/traces/bad_datetime_time.csv"), "bad_datetime_time.csv:2:2"),
        new("Mooncake JSONL line that is not JSON", Run("--trace-file", "{fx}/traces/bad_mooncake_malformed.jsonl"), "bad_mooncake_malformed.jsonl:2:"),
        new("Mooncake JSONL line missing output_length", Run("--trace-file", "{fx}/traces/bad_mooncake_missing_field.jsonl"), "'output_length'"),
        new("convert of a file without timelines", ["convert", "--input", "{fx}/results/format1-compare-summary-only.json", "--output", "{tmp}/c.json"], "--timelines"),
        new("convert of a file that is not a result", ["convert", "--input", "{fx}/devices/valid.json", "--output", "{tmp}/c.json"], "valid.json"),
        new("convert of an index that names itself", ["convert", "--input", "{tmp}/self.json", "--output", "{tmp}/c.json"], "self.json",
            [("self.json", "{\"format_version\": 2, \"kind\": \"index\", \"runs\": [{\"file\": \"self.json\"}]}")]),
        new("convert of an index whose run names no file", ["convert", "--input", "{tmp}/nofile.json", "--output", "{tmp}/c.json"], "nofile.json",
            [("nofile.json", "{\"format_version\": 2, \"kind\": \"index\", \"runs\": [{\"file\": null}]}")]),
        new("convert with a malformed date", ["convert", "--input", "{fx}/results/format1-compare-timelines.json", "--output", "{tmp}/c.json", "--date", "yesterday"], "--date"),
        new("unknown goodput objective", Run("--goodput", "itl:50"), "--goodput"),
        new("goodput objective that is not a number", Run("--goodput", "ttft:soon"), "--goodput"),
        new("zero burstiness", Run("--burstiness", "0"), "--burstiness"),
        new("zero max concurrency", Run("--max-concurrency", "0"), "--max-concurrency"),
        new("unknown ramp-up strategy", Run("--ramp-up-strategy", "sudden", "--ramp-up-start-rps", "1", "--ramp-up-end-rps", "2"), "--ramp-up-strategy"),
        new("ramp-up without its end rate", Run("--ramp-up-strategy", "linear", "--ramp-up-start-rps", "1"), "--ramp-up-end-rps"),
        new("ramp-up beside --rate", Run("--ramp-up-strategy", "linear", "--ramp-up-start-rps", "1", "--ramp-up-end-rps", "2", "--rate", "3"), "--rate"),
        new("ramp-up that falls", Run("--ramp-up-strategy", "exponential", "--ramp-up-start-rps", "4", "--ramp-up-end-rps", "2"), "--ramp-up-start-rps"),
        new("unknown output format", Run("--format", "xml"), "--format"),
        new("--json against another --format", Run("--format", "csv", "--json"), "--json"),
        new("more requests than a replayed trace has", Run("--trace-file", "{fx}/traces/good_splitwise.csv", "--requests", "5"), "--requests"),
        // Device profiles
        new("unknown device preset", Run("--device", "b200"), "--device"),
        new("device profile that does not exist", Run("--device", "{tmp}/gpu.json"), "--device"),
        new("device profile malformed", Run("--device", "{fx}/devices/syntax-error.json"), "syntax-error.json:"),
        new("device profile missing a field", Run("--device", "{fx}/devices/missing-field.json"), "missing-field.json: field"),
        new("device profile unknown field", Run("--device", "{fx}/devices/unknown-field.json"), "unknown-field.json: unknown field"),
        new("device profile NaN", Run("--device", "{fx}/devices/nan-bandwidth.json"), "nan-bandwidth.json"),
        new("device profile fraction above 1", Run("--device", "{fx}/devices/fraction-over-one.json"), "fraction-over-one.json: field"),
        new("device profile unknown op class", Run("--device", "{fx}/devices/unknown-op-class.json"), "unknown-op-class.json: field"),
        // Sweeps (results go to a scratch folder; every one of these is refused before any point runs)
        new("sweep definition that does not exist", Sweep("--definition", "{tmp}/sweep.json"), "sweep.json: cannot read"),
        new("sweep definition malformed", Sweep("--definition", "{tmp}/bad.json"), "bad.json:2:",
            [("bad.json", "{\n  \"name\": \"x\" \"rates\": [1]\n}\n")]),
        new("sweep definition unknown field", Sweep("--definition", "{tmp}/typo.json"), "typo.json: ",
            [("typo.json", "{\"name\": \"x\", \"rate\": [1], \"requests\": 10}")]),
        new("sweep definition negative rate", Sweep("--definition", "{tmp}/neg.json"), "neg.json: ",
            [("neg.json", "{\"name\": \"x\", \"models\": [\"tiny-moe\"], \"traces\": [\"arxiv-long\"], \"rates\": [1, -2], \"requests\": 10}")]),
        new("sweep definition unknown policy", Sweep("--definition", "{tmp}/pol.json"), "pol.json: ",
            [("pol.json", "{\"name\": \"x\", \"policies\": [\"layerd\"], \"models\": [\"tiny-moe\"], \"traces\": [\"arxiv-long\"], \"rates\": [1], \"requests\": 10}")]),
        new("sweep definition grids and top-level rates", Sweep("--definition", "{tmp}/both.json"), "both.json: field 'grids'",
            [("both.json", "{\"name\": \"x\", \"rates\": [1], \"grids\": [], \"requests\": 10}")]),
        new("sweep definition name that is a path", Sweep("--definition", "{tmp}/name.json"), "name.json: ",
            [("name.json", "{\"name\": \"../x\", \"models\": [\"tiny-moe\"], \"traces\": [\"arxiv-long\"], \"rates\": [1], \"requests\": 10}")]),
        new("sweep definition unknown model", Sweep("--definition", "{tmp}/model.json"), "model.json: ",
            [("model.json", "{\"name\": \"x\", \"models\": [\"qwen4\"], \"traces\": [\"arxiv-long\"], \"rates\": [1], \"requests\": 10}")]),
        new("sweep rate that is not a number", Sweep("--rates", "1,fast"), "--rates"),
        new("sweep zero rate", Sweep("--rates", "0"), "rates"),
        new("sweep unknown model", Sweep("--models", "qwen4"), "qwen4"),
        new("sweep zero requests", Sweep("--requests", "0"), "requests"),
        new("sweep TP not dividing a model's heads", Sweep("--models", "tiny-moe", "--tp", "3"), "--tp"),
        new("sweep results folder that cannot be written", ["sweep", "--results-dir", "/proc/results", "--requests", "5"], "--results-dir"),
        new("report of a sweep never run", ["report", "--results-dir", "{tmp}/results", "--name", "never"], "--name"),
        // Kernel engine verbs (these hold on any machine, with or without a GPU)
        new("kernel-bench token count not a number", ["kernel-bench", "--tokens", "1,x"], "--tokens"),
        new("kernel-bench token count too large", ["kernel-bench", "--tokens", "99999999"], "--tokens"),
        new("kernel-bench zero repeats", ["kernel-bench", "--repeats", "0"], "--repeats"),
        new("kernel-bench unknown shape", ["kernel-bench", "--shape", "llama"], "--shape"),
        new("selftest unknown backend", ["selftest", "--backend", "warp-drive"], "--backend"),
        new("gpu-ptx folder that cannot be written", ["gpu-ptx", "--output-dir", "/proc/ptx"], "--output-dir"),
        new("gpu-report folder that does not exist", ["gpu-report", "--run", "{tmp}/no-such-run"], "--run"),
        new("calibrate refit from a samples file that does not exist", ["calibrate", "--refit-from", "{tmp}/none.json", "--output", "{tmp}/p.json", "--details-output", "{tmp}/e.json"], "none.json"),
        new("calibrate refit from a file that is not a samples file", ["calibrate", "--refit-from", "{tmp}/d.json", "--output", "{tmp}/p.json", "--details-output", "{tmp}/e.json"], "d.json",
            [("d.json", "[1, 2]")]),
        new("calibrate unknown basis device", ["calibrate", "--refit-from", "{tmp}/d.json", "--base-device", "b200", "--output", "{tmp}/p.json"], "--base-device",
            [("d.json", "[1, 2]")]),
        new("calibration-check device profile that does not exist", ["calibration-check", "--device", "{tmp}/h200.json", "--samples", "{tmp}/s.json"], "h200.json"),
        new("calibration-check samples file that is not a samples file", ["calibration-check", "--device", "{repo}/results/devices/h200.json", "--samples", "{tmp}/s.json"], "s.json",
            [("s.json", "{\"device\": \"x\"}")]),
        new("calibration-check samples file with an unknown field", ["calibration-check", "--device", "h200", "--samples", "{tmp}/s.json"], "s.json",
            [("s.json", "{\"device\":{\"card\":\"x\",\"driver\":\"y\",\"date\":\"z\"},\"model\":\"qwen3-30b-a3b\",\"repeats\":1,\"read_bytes_per_second\":1,\"iterations\":[],\"extra\":1}")]),
        new("calibration-check samples of another model", ["calibration-check", "--device", "h200", "--samples", "{repo}/results/gpu/h200/calibration-samples.json", "--model", "gpt-oss-20b"], "--model"),
        new("calibrate refit from samples of another model", ["calibrate", "--refit-from", "{repo}/results/gpu/h200/calibration-samples.json", "--model", "gpt-oss-20b",
            "--output", "{tmp}/p.json", "--details-output", "{tmp}/e.json"], "--model"),
        new("gate: a --timing-reference folder with no report", ["compare", "--baseline", "{repo}/results/baseline", "--current", "{repo}/results/baseline",
            "--timing-reference", "{repo}/results/baseline", "{tmp}"], "--timing-reference", Tool: Gate),
        // Benchmark baseline gate (bench/LayeredPrefill.ResultsComparer)
        new("gate: --current that does not exist", ["compare", "--baseline", "{repo}/results/baseline", "--current", "{tmp}/none"], "--current", Tool: Gate),
        new("gate: --current with no report", ["compare", "--baseline", "{repo}/results/baseline", "--current", "{tmp}"], "--current", Tool: Gate),
        new("gate: baseline report malformed", ["compare", "--baseline", "{tmp}/x-report-full.json", "--current", "{repo}/results/baseline"], "x-report-full.json: ",
            [("x-report-full.json", "{\"Benchmarks\": [")], Gate),
        new("gate: baseline report missing a field", ["compare", "--baseline", "{tmp}/y-report-full.json", "--current", "{repo}/results/baseline"], "y-report-full.json: ",
            [("y-report-full.json", "{\"Title\": \"x\"}")], Gate),
        new("gate: zero threshold", ["compare", "--current", "{repo}/results/baseline", "--threshold-percent", "0"], "--threshold-percent", Tool: Gate),
        new("gate: alpha out of range", ["compare", "--current", "{repo}/results/baseline", "--alpha", "0.7"], "--alpha", Tool: Gate),
        new("gate: unknown timings mode", ["compare", "--current", "{repo}/results/baseline", "--timings", "strict"], "--timings", Tool: Gate),
        new("gate: --markdown is a directory", ["compare", "--baseline", "{repo}/results/baseline", "--current", "{repo}/results/baseline", "--markdown", "{tmp}"], "--markdown", Tool: Gate),
        new("gate: baseline folder that cannot be written", ["update", "--baseline", "/proc/baseline", "--current", "{repo}/results/baseline"], "--baseline", Tool: Gate),
        // Output paths
        new("--output is a directory", Run("--output", "{fx}"), "--output"),
        new("--output in a folder that cannot be written", Run("--output", "/proc/result.json"), "--output"),
        new("--output under a file", Run("--output", "{fx}/devices/valid.json/result.json"), "--output"),
        new("--output empty", Run("--output", ""), "--output"),
        // Round 2 (issues 17 and 18): destinations checked before the work, special files, a full device
        new("--output naming a folder with a trailing '/'", Run("--output", "{tmp}/no-such-folder/"), "--output"),
        new("--output file name longer than 255 bytes", Run("--output", "{tmp}/" + new string('r', 256) + ".json"), "--output"),
        new("--trace-file empty", Run("--trace-file", ""), "--trace-file: the value is empty"),
        new("--results-dir empty", ["sweep", "--results-dir", ""], "--results-dir: the value is empty"),
        new("gpu-ptx --output-dir empty", ["gpu-ptx", "--output-dir", ""], "--output-dir: the value is empty"),
        new("--trace-file together with --prompt-tokens", Run("--trace-file", "{fx}/traces/good_splitwise.csv", "--prompt-tokens", "100"), "--trace-file"),
        // Numbers as text on the command line: plain invariant-culture numbers only
        new("rate with a decimal comma", Run("--rate", "1,5"), "--rate"),
        new("request count in exponent form", Run("--requests", "1e3"), "--requests"),
        new("request count in hex", Run("--requests", "0x10"), "--requests"),
        new("request count with a thousands separator", Run("--requests", "1,200"), "--requests"),
        new("rate too large for a double", Run("--rate", "1e400"), "--rate"),
        new("kernel-bench absurd repeats", ["kernel-bench", "--repeats", "2147483647"], "--repeats"),
        new("kernel-bench empty token list", ["kernel-bench", "--tokens", ","], "--tokens"),
        new("kernel-bench token list given as ''", ["kernel-bench", "--tokens", ""], "--tokens"),
        // Unbounded work
        new("sweep absurd request count", Sweep("--requests", "2000000000"), "requests"),
        new("sweep duration that makes billions of requests", Sweep("--duration-s", "1e9"), "duration_s"),
        new("sweep duration beyond the clock", Sweep("--duration-s", "1e300"), "duration_s"),
        new("paper duration that makes billions of requests", ["paper", "--results-dir", "{tmp}/results", "--duration-s", "1e9"], "duration_s"),
        new("sweep of 420,000 points without --yes", Sweep("--definition", "{tmp}/big.json"), "--yes", [("big.json", ManyRates(70_000))]),
        new("sweep of more than a million points", Sweep("--definition", "{tmp}/huge.json", "--yes"), "huge.json: ",
            [("huge.json", ManyRates(170_000).Replace("\"big\"", "\"huge\""))]),
        // Hostile trace files: devices, endless streams, binary data, bounds, separators, echoed junk
        new("trace that is an endless stream of NUL bytes", Run("--trace-file", "/dev/zero"), "/dev/zero:1:1"),
        new("trace that is a character device of no data", Run("--trace-file", "/dev/null"), "/dev/null:1:1"),
        new("trace line longer than the line bound", Run("--trace-file", "{tmp}/line.csv"), "line.csv:1:1", Csv("line.csv", new string('7', 70_000))),
        new("trace with a NUL byte", Run("--trace-file", "{tmp}/nul.csv"), "nul.csv:2:2", Csv("nul.csv", LengthHeader + "100,1\0\n")),
        new("trace in UTF-16 without a byte-order mark", Run("--trace-file", "{tmp}/utf16.csv"), "utf16.csv:1:1",
            RawFiles: [("utf16.csv", System.Text.Encoding.Unicode.GetBytes(LengthHeader + "100,10\n"))]),
        new("trace with invalid UTF-8", Run("--trace-file", "{tmp}/latin1.csv"), "latin1.csv:2:2",
            RawFiles: [("latin1.csv", [.. System.Text.Encoding.ASCII.GetBytes(LengthHeader + "100,"), 0xE9, (byte)'\n'])]),
        new("trace separated by semicolons", Run("--trace-file", "{tmp}/semi.csv"), "semi.csv:1:1", Csv("semi.csv", "num_prefill_tokens;num_decode_tokens\n100;10\n")),
        new("trace header repeating a column", Run("--trace-file", "{tmp}/dup.csv"), "dup.csv:1:3", Csv("dup.csv", "num_prefill_tokens,num_decode_tokens,num_prefill_tokens\n1,2,3\n")),
        new("trace length in hex", Run("--trace-file", "{tmp}/hex.csv"), "hex.csv:2:1", Csv("hex.csv", LengthHeader + "0x10,10\n")),
        new("trace length with a thousands separator", Run("--trace-file", "{tmp}/sep.csv"), "sep.csv:2:1", Csv("sep.csv", LengthHeader + "\"1,200\",10\n")),
        new("trace field of 50,000 characters (echo cut)", Run("--trace-file", "{tmp}/wide.csv"), "wide.csv:2:1", Csv("wide.csv", LengthHeader + new string('x', 50_000) + ",10\n")),
        new("trace field with terminal escape bytes (echo escaped)", Run("--trace-file", "{tmp}/esc.csv"), "esc.csv:2:2", Csv("esc.csv", LengthHeader + "100,\u001b[31mred\n")),
        // Hostile JSON: depth, lone surrogates, numbers as text
        new("config.json nested 20,000 deep", Run("--model-config", "{tmp}/deep.json"), "deep.json:1:", [("deep.json", new string('[', 20_000) + new string(']', 20_000))]),
        new("config.json string with a lone surrogate", Run("--model-config", "{tmp}/surrogate.json"), "surrogate.json: ", [("surrogate.json", "{\"model_type\": \"\\ud800\"}")]),
        new("config.json count with a fraction", Run("--model-config", "{tmp}/half.json"), "'hidden_size'",
            [("half.json", File.ReadAllText(Fixture.Path("configs", "qwen3_30b_a3b.json")).Replace("\"hidden_size\": 2048", "\"hidden_size\": 2048.5"))]),
        new("config.json count given as a boolean", Run("--model-config", "{tmp}/bool.json"), "'hidden_size'",
            [("bool.json", File.ReadAllText(Fixture.Path("configs", "qwen3_30b_a3b.json")).Replace("\"hidden_size\": 2048", "\"hidden_size\": true"))]),
        new("config.json required count given as null", Run("--model-config", "{tmp}/null.json"), "'hidden_size'",
            [("null.json", File.ReadAllText(Fixture.Path("configs", "qwen3_30b_a3b.json")).Replace("\"hidden_size\": 2048", "\"hidden_size\": null"))]),
        new("device profile nested 20,000 deep", Run("--device", "{tmp}/deep-gpu.json"), "deep-gpu.json:1:", [("deep-gpu.json", new string('[', 20_000) + new string(']', 20_000))]),
        new("device profile name with a lone surrogate", Run("--device", "{tmp}/surrogate-gpu.json"), "surrogate-gpu.json: ", Device("surrogate-gpu.json", "name", "\"\\ud800\"")),
        new("sweep definition name with a lone surrogate", Sweep("--definition", "{tmp}/surrogate-sweep.json"), "surrogate-sweep.json: ", [("surrogate-sweep.json", "{\"name\": \"\\udc00\", \"rates\": [1]}")]),
        // Device profiles outside what a GPU can be
        new("device profile with 1e308 bytes of memory", Run("--device", "{tmp}/mem.json"), "'memoryBytes'", Device("mem.json", "memoryBytes", "1e308")),
        new("device profile bandwidth of 1e-300", Run("--device", "{tmp}/bw.json"), "'peakMemoryBytesPerSecond'", Device("bw.json", "peakMemoryBytesPerSecond", "1e-300")),
        new("device profile compute rate of 1e-300", Run("--device", "{tmp}/flops.json"), "'peakMatrixFlopsPerSecond'", Device("flops.json", "peakMatrixFlopsPerSecond", "1e-300")),
        new("device profile fraction of 1e-300", Run("--device", "{tmp}/frac.json"), "computeFraction'", Device("frac.json", "computeFraction", "1e-300")),
        new("device profile all-reduce latency of 1e300 s", Run("--device", "{tmp}/lat.json"), "'interconnectLatencySeconds'", Device("lat.json", "interconnectLatencySeconds", "1e300")),
    ];
}

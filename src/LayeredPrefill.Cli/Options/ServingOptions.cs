using System.CommandLine;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Cli.Options;

/// <summary>The options of the serving verbs (`run`, `compare`): model, workload, policy knobs, device, SLO, executor and result file.</summary>
internal sealed class ServingOptions
{
    public Option<string> Model { get; } = new("--model") { Description = "Model preset (see `models`).", DefaultValueFactory = _ => "qwen3-30b-a3b" };
    public Option<string?> ModelConfig { get; } = new("--model-config") { Description = "Hugging Face model folder or its config.json to read the model shape from (overrides --model)." };
    public Option<int?> Layers { get; } = new("--layers") { Description = "Run the model's shape with only this many layers." };
    public Option<string> Trace { get; } = new("--trace") { Description = "Embedded trace (see `traces`).", DefaultValueFactory = _ => "arxiv-long" };
    public Option<string?> TraceFile { get; } = new("--trace-file") { Description = "Trace file: CSV (length-only, Vidur, Splitwise/Azure, Date/Time token counts, BurstGPT) or Mooncake/vLLM timed-trace JSONL." };
    public Option<int> Requests { get; } = new("--requests") { Description = "Requests to sample (vLLM's --num-prompts).", DefaultValueFactory = _ => 300 };
    public Option<double?> Rate { get; } = new("--rate") { Description = "Arrival rate, req/s (vLLM's --request-rate; omit to use the trace's timestamps; 1.5 for traces without)." };
    public Option<double> Burstiness { get; } = new("--burstiness") { Description = "Gamma shape of the arrival gaps, as vLLM's: 1 = Poisson, < 1 burstier, > 1 more even.", DefaultValueFactory = _ => 1.0 };
    public Option<int?> MaxConcurrency { get; } = new("--max-concurrency") { Description = "The client keeps at most this many requests in flight (vLLM's); latencies count from when a request is sent." };
    public Option<string?> RampUpStrategy { get; } = new("--ramp-up-strategy") { Description = "Ramp the rate over the requests: linear or exponential, from --ramp-up-start-rps to --ramp-up-end-rps (instead of --rate)." };
    public Option<double?> RampUpStartRps { get; } = new("--ramp-up-start-rps") { Description = "Rate of the first request of a ramp, req/s." };
    public Option<double?> RampUpEndRps { get; } = new("--ramp-up-end-rps") { Description = "Rate of the last request of a ramp, req/s." };
    public Option<double> TimeScale { get; } = new("--time-scale") { Description = "Speed-up factor applied to trace timestamps.", DefaultValueFactory = _ => 1.0 };
    public Option<int?> PromptTokens { get; } = new("--prompt-tokens") { Description = "Synthetic workload: every request has this many prompt tokens (replaces the trace)." };
    public Option<int?> JoinDecodes { get; } = new("--join-decodes") { Description = "Synthetic workload: one --prompt-tokens prompt arriving while this many short requests decode (0 = the prompt alone)." };
    public Option<int> OutputTokens { get; } = new("--output-tokens") { Description = "Synthetic workload: output tokens per request.", DefaultValueFactory = _ => 1 };
    public Option<int> ChunkBudget { get; } = new("--chunk-budget") { Description = "Chunked prefill token budget per iteration (of `chunked`; `chunked-B` names its own).", DefaultValueFactory = _ => ChunkedPolicy.DefaultBudgetTokens };
    public Option<string> LayerGroups { get; } = new("--layer-groups") { Description = "Layered prefill groups of `layered`: a number, or 'adaptive' (`layered-gG` names its own).", DefaultValueFactory = _ => LayerGroupChoice.Adaptive.ToString() };
    public Option<int> LayeredBudget { get; } = new("--layered-budget") { Description = "Layered prefill prompt-token budget per batch (a `-bT` suffix names its own).", DefaultValueFactory = _ => LayeredPolicy.DefaultBudgetTokens };
    public Option<string> Device { get; } = new("--device") { Description = "Device preset (h100-sxm, h200, a100-80g) or a DeviceProfile .json.", DefaultValueFactory = _ => "h100-sxm" };
    public Option<int> Tp { get; } = new("--tp") { Description = "Tensor-parallel degree.", DefaultValueFactory = _ => 2 };
    public Option<double?> SloTtftMs { get; } = new("--slo-ttft-ms") { Description = "TTFT bound (default: the paper's, 10000 for arXiv, 5000 for ShareGPT)." };
    public Option<double?> SloItlMs { get; } = new("--slo-itl-ms") { Description = "Inter-token bound (default: the paper's, 125 for Qwen3, 100 for GPT-OSS)." };
    public Option<int> Seed { get; } = SharedOptions.Seed("sampling, arrivals and routing (and the kernel engine's weights)");
    public Option<string?> Output { get; } = SharedOptions.Output("the JSON result");
    public Option<int> MaxSeqs { get; } = new("--max-seqs") { Description = "Running requests at most.", DefaultValueFactory = _ => SchedulerSettings.DefaultMaxSequences };
    public Option<double> GpuMemoryUtilization { get; } = new("--gpu-memory-utilization") { Description = "Fraction of device memory for weights + KV.", DefaultValueFactory = _ => 0.85 };
    public Option<string> Routing { get; } = new("--routing") { Description = "Distinct-expert model: uniform or sampled.", DefaultValueFactory = _ => "uniform" };
    public Option<double> ZipfSkew { get; } = new("--zipf-skew") { Description = "Expert popularity skew for sampled routing (0 = uniform).", DefaultValueFactory = _ => 0.0 };
    public Option<string> Executor { get; } = new("--executor") { Description = "What prices iterations: roofline (a model of --device) or kernels (real MoE kernels, measured).", DefaultValueFactory = _ => "roofline" };
    public Option<string> Backend { get; } = SharedOptions.Backend("for --executor kernels");
    public Option<int> KvBlocks { get; } = new("--kv-blocks") { Description = "KV pool of the kernel engine, in blocks of 16 tokens (the scheduler uses the same; given, it sizes the roofline's pool too). Default: on ilgpu-cuda the card's memory × --gpu-memory-utilization less the weights and activations; on the CPU backends every request's context at once, at most 2048.", DefaultValueFactory = _ => 2048 };
    public Option<bool> RecordTokens { get; } = new("--record-tokens") { Description = "Include every request's generated token ids in the JSON (real kernels only)." };
    public Option<bool> Timelines { get; } = new("--timelines") { Description = "Include every request's token times in the JSON." };
    public Option<bool> IterationLog { get; } = new("--iteration-log") { Description = "Include the per-iteration log in the JSON." };
    public Option<bool> SaveDetailed { get; } = new("--save-detailed") { Description = "Include vLLM's per-request arrays (input_lens, output_lens, ttfts, itls, start_times, errors) in the JSON." };
    public Option<string?> Label { get; } = new("--label") { Description = "vLLM's label of the result (default: the policy name; `compare` appends the policy)." };
    public Option<string[]> Goodput { get; } = new("--goodput")
    {
        Description = "vLLM's goodput objectives in ms, e.g. --goodput ttft:10000 tpot:125 (request_goodput is null without them; the paper's strict SLO is slo_attainment).",
        AllowMultipleArgumentsPerToken = true,
    };
    public Option<string?> RequestsCsv { get; } = new("--requests-csv") { Description = "Write one row per request in Vidur's request_metrics.csv columns (replayable with --trace-file)." };
    public Option<string> Format { get; } = LayeredPrefill.Cli.Output.OutputFormat.Option();
    public Option<bool> Json { get; } = LayeredPrefill.Cli.Output.OutputFormat.JsonFlag();

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in All()) command.Options.Add(option);
    }

    private IEnumerable<Option> All() =>
    [
        Model, ModelConfig, Layers, Trace, TraceFile, Requests, Rate, Burstiness, MaxConcurrency, RampUpStrategy, RampUpStartRps, RampUpEndRps,
        TimeScale, PromptTokens, OutputTokens, JoinDecodes, ChunkBudget, LayerGroups,
        LayeredBudget, Device, Tp, SloTtftMs, SloItlMs, Goodput, Seed, Output, Label, SaveDetailed, Timelines, IterationLog, RequestsCsv, Format, Json,
        MaxSeqs, GpuMemoryUtilization, Routing, ZipfSkew, Executor, Backend, KvBlocks, RecordTokens,
    ];

    /// <summary>The policy knobs the command line gives explicitly (null where an option was left at its default).</summary>
    public PolicyKnobs Knobs(ParseResult p)
    {
        T? Given<T>(Option<T> option) where T : struct => p.GetResult(option) is { Implicit: false } ? p.GetValue(option) : null;
        var groups = p.GetResult(LayerGroups) is { Implicit: false } ? Scheduling.LayerGroups.Parse(p.GetValue(LayerGroups)!) : (LayerGroupChoice?)null;
        return new PolicyKnobs(Given(ChunkBudget), groups, Given(LayeredBudget));
    }
}

using System.CommandLine;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Cli.Options;

/// <summary>The options of the serving verbs (`run`, `compare`): model, workload, policy knobs, device, SLO, executor and result file.</summary>
internal sealed class ServingOptions
{
    public Option<string> Model { get; } = new("--model") { Description = "Model preset (see `models`).", DefaultValueFactory = _ => "qwen3-30b-a3b" };
    public Option<string?> ModelConfig { get; } = new("--model-config") { Description = "Hugging Face config.json to read the model shape from (overrides --model)." };
    public Option<int?> Layers { get; } = new("--layers") { Description = "Run the model's shape with only this many layers." };
    public Option<string> Trace { get; } = new("--trace") { Description = "Embedded trace (see `traces`).", DefaultValueFactory = _ => "arxiv-long" };
    public Option<string?> TraceFile { get; } = new("--trace-file") { Description = "CSV trace file (length-only, Vidur/Sarathi or Splitwise/Azure layout)." };
    public Option<int> Requests { get; } = new("--requests") { Description = "Requests to sample.", DefaultValueFactory = _ => 300 };
    public Option<double?> Rate { get; } = new("--rate") { Description = "Poisson arrival rate, req/s (omit to use the trace's timestamps; 1.5 for traces without)." };
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
    public Option<int> KvBlocks { get; } = new("--kv-blocks") { Description = "KV pool of the kernel engine, in blocks of 16 tokens (the scheduler uses the same; default: every request's context at once, at most 2048).", DefaultValueFactory = _ => 2048 };
    public Option<bool> RecordTokens { get; } = new("--record-tokens") { Description = "Include every request's generated token ids in the JSON (real kernels only)." };
    public Option<bool> Timelines { get; } = new("--timelines") { Description = "Include every request's token times in the JSON." };
    public Option<bool> IterationLog { get; } = new("--iteration-log") { Description = "Include the per-iteration log in the JSON." };

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in All()) command.Options.Add(option);
    }

    private IEnumerable<Option> All() =>
    [
        Model, ModelConfig, Layers, Trace, TraceFile, Requests, Rate, TimeScale, PromptTokens, OutputTokens, JoinDecodes, ChunkBudget, LayerGroups,
        LayeredBudget, Device, Tp, SloTtftMs, SloItlMs, Seed, Output, MaxSeqs, GpuMemoryUtilization, Routing, ZipfSkew, Timelines, IterationLog,
        Executor, Backend, KvBlocks, RecordTokens,
    ];

    /// <summary>The policy knobs the command line gives explicitly (null where an option was left at its default).</summary>
    public PolicyKnobs Knobs(ParseResult p)
    {
        T? Given<T>(Option<T> option) where T : struct => p.GetResult(option) is { Implicit: false } ? p.GetValue(option) : null;
        var groups = p.GetResult(LayerGroups) is { Implicit: false } ? Scheduling.LayerGroups.Parse(p.GetValue(LayerGroups)!) : (LayerGroupChoice?)null;
        return new PolicyKnobs(Given(ChunkBudget), groups, Given(LayeredBudget));
    }
}

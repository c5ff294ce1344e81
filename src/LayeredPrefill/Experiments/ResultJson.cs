using System.Globalization;
using System.Text;
using System.Text.Json;
using LayeredPrefill.Metrics;
using LayeredPrefill.Serving;

namespace LayeredPrefill.Experiments;

/// <summary>
/// The result file of one run: one flat JSON object, vLLM's `vllm bench serve` keys at the top level, spelled and in the units
/// vLLM writes them (ms latencies, req/s and tok/s throughputs, seconds of duration), then the project's own keys (policy and
/// knobs, device, traffic, energy, the paper's strict SLO). Every summary value is a plain number, string, boolean or null, so
/// <c>pd.DataFrame([json.load(open(f)) for f in files])</c> reads this tool's files and vLLM's alike. Per-request and
/// per-iteration arrays come only when asked. Written field by field: the same run and date give byte-identical files.
/// The layout is published as results/schema/result.schema.json (<see cref="FormatVersion"/>).
/// </summary>
public static class ResultJson
{
    /// <summary>Version of this layout (1 was one file per workload with a "config" block and a "results" array).</summary>
    public const int FormatVersion = 2;

    /// <summary>What to include beyond the summary.</summary>
    /// <param name="Detailed">vLLM's --save-detailed arrays: input_lens, output_lens, ttfts, itls, start_times, errors.</param>
    /// <param name="Timelines">The project's per-request timelines ("requests"), which <c>convert</c> and the plots read back.</param>
    public sealed record Options(bool Timelines = false, bool IterationLog = false, bool TokenIds = false, bool Detailed = false);

    /// <summary>The file of <paramref name="report"/>, made as <paramref name="context"/> says.</summary>
    public static string Write(RunReport report, RunContext context, Options options, IReadOnlyList<(string Key, string Value)>? identity = null) =>
        Write(RunHeader.From(report, context), report.Run, report.Metrics, options, identity);

    /// <summary>The file of a run from its header, raw outcome and metrics; <paramref name="identity"/> are string fields written first (a sweep point's key).</summary>
    public static string Write(RunHeader header, RunResult run, ServingMetrics metrics, Options options, IReadOnlyList<(string Key, string Value)>? identity = null)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            VllmHeader(w, header);
            VllmMetrics(w, header, run, metrics, options);
            w.WriteString("tool", "layered-prefill");
            w.WriteNumber("format_version", FormatVersion);
            foreach (var (key, value) in identity ?? []) w.WriteString(key, value);
            ProjectHeader(w, header, run);
            ProjectMetrics(w, header, metrics);
            if (options.Timelines) Timelines(w, run);
            if (options.IterationLog) IterationLog(w, run);
            if (options.TokenIds) TokenIds(w, run);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>vLLM's setup and traffic keys, in its order.</summary>
    private static void VllmHeader(Utf8JsonWriter w, RunHeader h)
    {
        NullableString(w, "date", h.Date);
        w.WriteString("endpoint_type", "layered-prefill");
        w.WriteString("backend", "layered-prefill");
        w.WriteString("label", h.Label);
        w.WriteString("model_id", h.ModelId);
        w.WriteString("tokenizer_id", h.ModelId);
        w.WriteNumber("num_prompts", h.NumPrompts);
        NullableNumber(w, "request_rate", h.RequestRate);
        NullableNumber(w, "burstiness", h.Burstiness);
        NullableNumber(w, "max_concurrency", h.MaxConcurrency);
        if (h.RampUpStrategy is not null)
        {
            w.WriteString("ramp_up_strategy", h.RampUpStrategy);
            NullableNumber(w, "ramp_up_start_rps", h.RampUpStartRps);
            NullableNumber(w, "ramp_up_end_rps", h.RampUpEndRps);
        }
    }

    /// <summary>vLLM's benchmark result keys, in its order.</summary>
    private static void VllmMetrics(Utf8JsonWriter w, RunHeader h, RunResult run, ServingMetrics m, Options options)
    {
        Number(w, "duration", m.DurationSeconds);
        w.WriteNumber("completed", m.Completed);
        w.WriteNumber("failed", m.Failed);
        w.WriteNumber("total_input_tokens", m.PromptTokens);
        w.WriteNumber("total_output_tokens", m.OutputTokens);
        Number(w, "request_throughput", m.RequestThroughput);
        if (h.Goodput is { } goodput) Number(w, "request_goodput", goodput.RequestsPerSecond(run, m.DurationSeconds));
        else w.WriteNull("request_goodput");
        Number(w, "output_throughput", m.OutputThroughput);
        Number(w, "total_token_throughput", m.TotalTokenThroughput);
        if (options.Detailed) Detailed(w, run);
        Number(w, "max_output_tokens_per_s", m.MaxOutputTokensPerSecond);
        w.WriteNumber("max_concurrent_requests", m.MaxConcurrentRequests);
        Latency(w, "ttft", m.Ttft);
        Latency(w, "tpot", m.Tpot);
        Latency(w, "itl", m.Itl);
        Latency(w, "e2el", m.E2el);
    }

    private static void ProjectHeader(Utf8JsonWriter w, RunHeader h, RunResult run)
    {
        w.WriteString("policy", h.Policy);
        w.WriteString("policy_family", h.PolicyFamily);
        NullableNumber(w, "chunk_budget_tokens", h.ChunkBudgetTokens);
        NullableNumber(w, "layer_groups", h.LayerGroups);
        NullableNumber(w, "layered_budget_tokens", h.LayeredBudgetTokens);
        w.WriteString("model", h.Model);
        w.WriteNumber("model_layers", h.ModelLayers);
        w.WriteString("weight_dtype", h.WeightDtype);
        w.WriteString("workload", h.Workload);
        w.WriteString("arrival_process", h.ArrivalProcess);
        NullableNumber(w, "time_scale", h.TimeScale);
        NullableNumber(w, "seed", h.Seed);
        w.WriteString("executor", h.Executor);
        w.WriteString("executor_backend", h.ExecutorBackend);
        w.WriteString("executor_device", h.ExecutorDevice);
        w.WriteString("device", h.Device);
        w.WriteNumber("tensor_parallel_size", h.TensorParallel);
        NullableNumber(w, "max_num_seqs", h.MaxNumSeqs);
        NullableNumber(w, "gpu_memory_utilization", h.GpuMemoryUtilization);
        NullableNumber(w, "kv_block_tokens", h.KvBlockTokens);
        NullableNumber(w, "kv_capacity_tokens", h.KvCapacityTokens);
        NullableNumber(w, "max_model_len", h.MaxModelLengthTokens);
        w.WriteString("routing", h.Routing);
        w.WriteBoolean("interrupted", run.Interrupted);
        NullableNumber(w, "goodput_ttft_ms", h.Goodput?.TtftMs);
        NullableNumber(w, "goodput_tpot_ms", h.Goodput?.TpotMs);
        NullableNumber(w, "goodput_e2el_ms", h.Goodput?.E2elMs);
        w.WriteNumber("slo_ttft_ms", h.SloTtftMs);
        w.WriteNumber("slo_itl_ms", h.SloItlMs);
        w.WriteString("slo_source", h.SloSource);
    }

    /// <summary>The project's metrics: requests and the strict SLO, the largest gap, traffic by kind, energy and where it comes from, iterations.</summary>
    private static readonly (string Key, Func<ServingMetrics, double> Value)[] ProjectKeys =
    [
        ("num_requests", m => m.Requests), ("rejected", m => m.Rejected), ("slo_met", m => m.SloMet), ("slo_attainment", m => m.SloAttainment),
        ("slo_goodput", m => m.GoodputRequestsPerSecond), ("max_itl_ms", m => m.Itl.MaxMs),
        ("expert_weight_bytes", m => m.ExpertWeightBytes), ("dense_weight_bytes", m => m.DenseWeightBytes),
        ("kv_read_bytes", m => m.KvReadBytes), ("kv_write_bytes", m => m.KvWriteBytes), ("total_bytes", m => m.TotalBytes),
        ("expert_bytes_per_token", m => m.ExpertBytesPerToken), ("expert_bytes_per_output_token", m => m.ExpertBytesPerOutputToken),
        ("energy_j", m => m.EnergyJoules), ("energy_per_token_j", m => m.EnergyPerTokenJoules), ("energy_per_output_token_j", m => m.EnergyPerOutputTokenJoules),
    ];

    private static readonly (string Key, Func<ServingMetrics, double> Value)[] IterationKeysSummary =
    [
        ("iterations", m => m.Iterations), ("preemptions", m => m.Preemptions),
        ("mean_iteration_ms", m => m.MeanIterationSeconds * 1000), ("bytes_per_iteration", m => m.BytesPerIteration),
    ];

    private static void ProjectMetrics(Utf8JsonWriter w, RunHeader h, ServingMetrics m)
    {
        foreach (var (key, value) in ProjectKeys) Number(w, key, value(m));
        w.WriteString("energy_source", double.IsFinite(m.EnergyJoules) ? h.EnergySource : EnergyNotMeasured(h.EnergySource));
        foreach (var (key, value) in IterationKeysSummary) Number(w, key, value(m));
    }

    private const string NotMeasuredOpening = "not measured (", NotMeasuredClosing = " reported none)";

    // An energy of 0 J means nothing measured it: the source then says so rather than naming a meter that did not run.
    private static string EnergyNotMeasured(string source) =>
        source.StartsWith("not measured", StringComparison.Ordinal) ? source : NotMeasuredOpening + source + NotMeasuredClosing;

    /// <summary>The energy source a written energy_source names: <see cref="EnergyNotMeasured"/>'s wrapping taken off, any other text as it is.</summary>
    internal static string EnergySourceOf(string written) =>
        written.Length >= NotMeasuredOpening.Length + NotMeasuredClosing.Length
        && written.StartsWith(NotMeasuredOpening, StringComparison.Ordinal) && written.EndsWith(NotMeasuredClosing, StringComparison.Ordinal)
            ? written[NotMeasuredOpening.Length..^NotMeasuredClosing.Length]
            : written;

    private static void Latency(Utf8JsonWriter w, string name, LatencySummary s)
    {
        Number(w, $"mean_{name}_ms", s.MeanMs);
        Number(w, $"median_{name}_ms", s.MedianMs);
        Number(w, $"std_{name}_ms", s.StdMs);
        Number(w, $"p90_{name}_ms", s.P90Ms);
        Number(w, $"p95_{name}_ms", s.P95Ms);
        Number(w, $"p99_{name}_ms", s.P99Ms);
        Number(w, $"p99.9_{name}_ms", s.P999Ms);
    }

    /// <summary>vLLM's per-request arrays (seconds, request order; a request that failed has a null TTFT, no gaps and its reason in errors).</summary>
    private static void Detailed(Utf8JsonWriter w, RunResult run)
    {
        var rs = run.Requests;
        w.WriteStartArray("input_lens");
        foreach (var r in rs) w.WriteNumberValue(r.PromptTokens);
        w.WriteEndArray();
        w.WriteStartArray("output_lens");
        foreach (var r in rs) w.WriteNumberValue(r.Completed ? r.TokenTimesSeconds.Count : 0);
        w.WriteEndArray();
        w.WriteStartArray("ttfts");
        foreach (var r in rs)
        {
            if (r.Completed && r.FirstTokenSeconds is { } first) w.WriteNumberValue(first - r.ArrivalSeconds);
            else w.WriteNullValue();
        }
        w.WriteEndArray();
        w.WriteStartArray("itls");
        foreach (var r in rs)
        {
            w.WriteStartArray();
            if (r.Completed)
                for (int i = 1; i < r.TokenTimesSeconds.Count; i++) w.WriteNumberValue(r.TokenTimesSeconds[i] - r.TokenTimesSeconds[i - 1]);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteStartArray("start_times");
        foreach (var r in rs) w.WriteNumberValue(r.ArrivalSeconds);
        w.WriteEndArray();
        w.WriteStartArray("errors");
        foreach (var r in rs)
            w.WriteStringValue(r.Rejected ? "refused: the request can never fit the KV cache" : r.Completed ? "" : "not finished: the run was interrupted");
        w.WriteEndArray();
    }

    private static void Timelines(Utf8JsonWriter w, RunResult run)
    {
        w.WriteStartArray("requests");
        foreach (var t in run.Requests)
        {
            w.WriteStartObject();
            w.WriteNumber("id", t.RequestId);
            Number(w, "arrival_s", t.ArrivalSeconds);
            w.WriteNumber("prompt_tokens", t.PromptTokens);
            w.WriteNumber("output_tokens", t.OutputTokens);
            NullableNumber(w, "first_scheduled_s", t.FirstScheduledSeconds);
            NullableNumber(w, "first_token_s", t.FirstTokenSeconds);
            NullableNumber(w, "finish_s", t.FinishSeconds);
            w.WriteNumber("preemptions", t.Preemptions);
            w.WriteBoolean("rejected", t.Rejected);
            Number(w, "execution_s", t.ExecutionSeconds);
            Number(w, "client_queue_s", t.ClientQueueSeconds);
            w.WriteStartArray("token_times_s");
            foreach (double time in t.TokenTimesSeconds) w.WriteNumberValue(time);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>One iteration-log entry's keys: what ran, through which layers, and what it moved and cost.</summary>
    private static readonly (string Key, Func<IterationRecord, double> Value)[] IterationKeys =
    [
        ("i", it => it.Index), ("start_s", it => it.StartSeconds), ("duration_s", it => it.DurationSeconds),
        ("decode_tokens", it => it.DecodeTokens), ("prefill_tokens", it => it.PrefillTokens), ("prefill_requests", it => it.PrefillRequests),
        ("prefill_layer_start", it => it.PrefillLayerStart), ("prefill_layer_end", it => it.PrefillLayerEnd),
        ("emitted_tokens", it => it.EmittedTokens), ("preempted", it => it.Preempted), ("kv_blocks_used", it => it.KvBlocksUsed),
        ("expert_weight_bytes", it => it.Traffic.ExpertWeightBytes), ("dense_weight_bytes", it => it.Traffic.DenseWeightBytes),
        ("kv_read_bytes", it => it.Traffic.KvReadBytes), ("kv_write_bytes", it => it.Traffic.KvWriteBytes),
        ("activation_bytes", it => it.Traffic.ActivationBytes), ("flops", it => it.Flops), ("energy_j", it => it.EnergyJoules),
    ];

    private static void IterationLog(Utf8JsonWriter w, RunResult run)
    {
        w.WriteStartArray("iteration_log");
        foreach (var it in run.Iterations)
        {
            w.WriteStartObject();
            foreach (var (key, value) in IterationKeys) Number(w, key, value(it));
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void TokenIds(Utf8JsonWriter w, RunResult run)
    {
        w.WriteStartObject("generated_token_ids");
        foreach (var (id, tokens) in run.GeneratedTokenIds.OrderBy(kv => kv.Key))
        {
            w.WriteStartArray(id.ToString(CultureInfo.InvariantCulture));
            foreach (int t in tokens) w.WriteNumberValue(t);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    // JSON has no NaN: an undefined metric (no samples) is written as null.
    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value);
        else w.WriteNull(name);
    }

    private static void NullableNumber(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v) Number(w, name, v);
        else w.WriteNull(name);
    }

    private static void NullableString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }
}

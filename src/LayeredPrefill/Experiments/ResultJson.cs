using System.Text;
using System.Text.Json;
using LayeredPrefill.Metrics;
using LayeredPrefill.Serving;

namespace LayeredPrefill.Experiments;

/// <summary>
/// The JSON result file: one "config" block and one entry per policy. Latency keys follow vLLM's
/// benchmark_serving (mean_ttft_ms, p99_itl_ms, request_throughput, ...); the rest are the project's
/// own. Written field by field so that the same run gives byte-identical files.
/// </summary>
public static class ResultJson
{
    /// <summary>What to include beyond the summary metrics.</summary>
    public sealed record Options(bool Timelines = false, bool IterationLog = false, bool TokenIds = false);

    /// <summary>Serialises the reports of one workload (all share the same config).</summary>
    public static string Write(IReadOnlyList<RunReport> reports, Options options)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("tool", "layered-prefill");
            w.WriteNumber("format_version", 1);
            if (reports.Count > 0) WriteConfig(w, reports[0]);
            w.WriteStartArray("results");
            foreach (var r in reports) WriteResult(w, r, options);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteConfig(Utf8JsonWriter w, RunReport r)
    {
        var s = r.Spec;
        w.WriteStartObject("config");
        w.WriteString("model_id", s.Model.Name);
        w.WriteNumber("model_layers", s.Model.Layers);
        w.WriteString("weight_dtype", s.Model.WeightDtype.ToString().ToLowerInvariant());
        w.WriteString("device", s.Device.Name);
        w.WriteNumber("tensor_parallel_size", s.TensorParallel);
        w.WriteString("workload", s.Workload.Name);
        w.WriteNumber("num_prompts", s.Workload.Requests.Count);
        w.WriteNumber("max_num_seqs", s.MaxSequences);
        w.WriteNumber("gpu_memory_utilization", s.GpuMemoryUtilization);
        w.WriteNumber("kv_block_tokens", s.KvBlockTokens);
        w.WriteNumber("kv_capacity_tokens", r.KvCapacityTokens);
        w.WriteString("routing", s.Routing.Name);
        w.WriteNumber("slo_ttft_ms", s.Slo.TtftSeconds * 1000);
        w.WriteNumber("slo_itl_ms", s.Slo.ItlSeconds * 1000);
        w.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter w, RunReport r, Options options)
    {
        var m = r.Metrics;
        w.WriteStartObject();
        w.WriteString("policy", r.Spec.Policy.Name);
        w.WriteString("executor", r.Run.Executor);
        w.WriteBoolean("interrupted", r.Run.Interrupted);
        foreach (var (key, value) in VllmKeys) Number(w, key, value(m));
        Latency(w, "ttft", m.Ttft);
        Latency(w, "tpot", m.Tpot);
        Latency(w, "itl", m.Itl);
        Latency(w, "e2el", m.E2el);
        foreach (var (key, value) in ProjectKeys) Number(w, key, value(m));
        if (options.Timelines) Timelines(w, r);
        if (options.IterationLog) IterationLog(w, r);
        if (options.TokenIds) TokenIds(w, r);
        w.WriteEndObject();
    }

    /// <summary>vLLM benchmark_serving's keys before its latency blocks.</summary>
    private static readonly (string Key, Func<ServingMetrics, double> Value)[] VllmKeys =
    [
        ("completed", m => m.Completed), ("duration", m => m.DurationSeconds),
        ("total_input_tokens", m => m.PromptTokens), ("total_output_tokens", m => m.OutputTokens),
        ("request_throughput", m => m.RequestThroughput), ("request_goodput", m => m.GoodputRequestsPerSecond),
        ("output_throughput", m => m.OutputThroughput), ("total_token_throughput", m => m.TotalTokenThroughput),
    ];

    /// <summary>The project's keys: requests and SLO, traffic by kind, energy, iterations.</summary>
    private static readonly (string Key, Func<ServingMetrics, double> Value)[] ProjectKeys =
    [
        ("num_requests", m => m.Requests), ("rejected", m => m.Rejected), ("slo_met", m => m.SloMet), ("slo_attainment", m => m.SloAttainment),
        ("expert_weight_bytes", m => m.ExpertWeightBytes), ("dense_weight_bytes", m => m.DenseWeightBytes),
        ("kv_read_bytes", m => m.KvReadBytes), ("kv_write_bytes", m => m.KvWriteBytes), ("total_bytes", m => m.TotalBytes),
        ("expert_bytes_per_token", m => m.ExpertBytesPerToken), ("expert_bytes_per_output_token", m => m.ExpertBytesPerOutputToken),
        ("energy_j", m => m.EnergyJoules), ("energy_per_token_j", m => m.EnergyPerTokenJoules), ("energy_per_output_token_j", m => m.EnergyPerOutputTokenJoules),
        ("iterations", m => m.Iterations), ("preemptions", m => m.Preemptions),
        ("mean_iteration_ms", m => m.MeanIterationSeconds * 1000), ("bytes_per_iteration", m => m.BytesPerIteration),
    ];

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

    private static void Timelines(Utf8JsonWriter w, RunReport r)
    {
        w.WriteStartArray("requests");
        foreach (var t in r.Run.Requests)
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
        ("preempted", it => it.Preempted), ("kv_blocks_used", it => it.KvBlocksUsed),
        ("expert_weight_bytes", it => it.Traffic.ExpertWeightBytes), ("dense_weight_bytes", it => it.Traffic.DenseWeightBytes),
        ("kv_read_bytes", it => it.Traffic.KvReadBytes), ("kv_write_bytes", it => it.Traffic.KvWriteBytes),
        ("activation_bytes", it => it.Traffic.ActivationBytes), ("flops", it => it.Flops), ("energy_j", it => it.EnergyJoules),
    ];

    private static void IterationLog(Utf8JsonWriter w, RunReport r)
    {
        w.WriteStartArray("iteration_log");
        foreach (var it in r.Run.Iterations)
        {
            w.WriteStartObject();
            foreach (var (key, value) in IterationKeys) Number(w, key, value(it));
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void TokenIds(Utf8JsonWriter w, RunReport r)
    {
        w.WriteStartObject("generated_token_ids");
        foreach (var (id, tokens) in r.Run.GeneratedTokenIds.OrderBy(kv => kv.Key))
        {
            w.WriteStartArray(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
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
}

using System.Text.Json;
using LayeredPrefill.Execution;
using LayeredPrefill.Metrics;
using LayeredPrefill.Scheduling;
using LayeredPrefill.Serving;

namespace LayeredPrefill.Experiments;

/// <summary>One run read back from a result file: enough to write it again in the current layout.</summary>
public sealed record StoredRun(RunHeader Header, RunResult Run, ServingMetrics Metrics, bool HasIterationLog, bool HasTokenIds);

/// <summary>
/// Reads result files of either layout, for <c>convert</c>: format 1 (one "config" block and a "results" array: older files,
/// which convert brings to the current layout) and format 2 (a flat run file, or an index of them). Metrics are derived again
/// from the stored per-request timelines, so a file must have them (--timelines); traffic and energy totals are taken as
/// stored, since a file without its iteration log holds them only there.
/// </summary>
public static class ResultFileReader
{

    /// <summary>Executor facts the file does not hold (format 1 recorded the roofline device even for kernel runs).</summary>
    /// <param name="ExecutorDevice">What the kernels ran on (e.g. "NVIDIA H200"); null leaves it "not recorded".</param>
    public sealed record Overrides(string? ExecutorDevice = null, string? Date = null, GoodputObjectives? Goodput = null);

    /// <summary>Every run of the file at <paramref name="path"/>.</summary>
    public static IReadOnlyList<StoredRun> ReadFile(string path, Overrides? overrides = null) => ReadFile(path, overrides ?? new Overrides(), indexAllowed: true);

    /// <summary>Every run of a result file's <paramref name="json"/>; <paramref name="folder"/> resolves an index's files.</summary>
    public static IReadOnlyList<StoredRun> Parse(string json, string source, Overrides overrides, string folder) =>
        Parse(json, source, overrides, folder, indexAllowed: true);

    private static IReadOnlyList<StoredRun> ReadFile(string path, Overrides overrides, bool indexAllowed)
    {
        if (Directory.Exists(path)) throw new UserInputException($"{path}: is a directory, not a result file");
        // The bounded reader, as every input: size, NUL bytes and encoding are refused in one line.
        string text = LayeredPrefill.IO.BoundedFile.ReadAllText(path, LayeredPrefill.IO.ReadLimits.ResultFile("the result file"));
        return Parse(text, path, overrides, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", indexAllowed);
    }

    // An index names the run files beside it, and only those (compare, convert and sweep write no index of indexes):
    // reading one level deep is all an index needs, and an index that names itself or a cycle cannot recurse.
    private static IReadOnlyList<StoredRun> Parse(string json, string source, Overrides overrides, string folder, bool indexAllowed)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException("not a JSON object");
            int version = root.TryGetProperty("format_version", out var v) && v.TryGetInt32(out int n) ? n : 0;
            if (version == 1) return V1(root, source, overrides);
            if (version != ResultJson.FormatVersion) throw new FormatException($"format_version {version} is not 1 or {ResultJson.FormatVersion}");
            if (root.TryGetProperty("kind", out var kind) && kind.GetString() == "index")
            {
                if (!indexAllowed)
                    throw new UserInputException($"{source}: is an index, but an index may only name run files");
                return root.GetProperty("runs").EnumerateArray()
                    .SelectMany((r, i) => ReadFile(Path.Combine(folder, RunFileName(r, i, source)), overrides, indexAllowed: false)).ToArray();
            }
            return [V2(root, source, overrides)];
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{source}: not valid JSON ({e.Message.Split('.')[0]})");
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new UserInputException($"{source}: not a layered-prefill result file ({e.Message.Split('\n')[0]})");
        }
    }

    private static string RunFileName(JsonElement run, int position, string source) =>
        run.ValueKind == JsonValueKind.Object && run.TryGetProperty("file", out var file) && file.ValueKind == JsonValueKind.String
            ? file.GetString()!
            : throw new UserInputException($"{source}: run {position + 1} of the index has no file name ('file' must be a string)");

    private static IReadOnlyList<StoredRun> V1(JsonElement root, string source, Overrides o)
    {
        var config = root.GetProperty("config");
        var runs = new List<StoredRun>();
        foreach (var r in root.GetProperty("results").EnumerateArray())
        {
            string policyName = r.GetProperty("policy").GetString()!;
            var policy = PolicyRegistry.Parse(policyName);
            string executorName = r.GetProperty("executor").GetString()!;
            var (executor, backend) = SplitExecutor(executorName);
            string device = Str(config, "device");
            int tp = config.GetProperty("tensor_parallel_size").GetInt32();
            var header = new RunHeader(
                o.Date, policyName, Models.ModelCatalog.HubId(Str(config, "model_id")), Str(config, "model_id"),
                config.GetProperty("model_layers").GetInt32(), Str(config, "weight_dtype"),
                config.GetProperty("num_prompts").GetInt32(), null, null, null, null, null, null,
                "not recorded (format 1)", null, null,
                policyName, policy.Family, (policy as ChunkedPolicy)?.BudgetTokens, (policy as LayeredPolicy)?.LayerGroups, (policy as LayeredPolicy)?.BudgetTokens,
                executor, backend, executor == "roofline" ? $"{device} × TP {tp}" : o.ExecutorDevice ?? "not recorded (format 1 named only the roofline device)",
                device, tp, Str(config, "workload"),
                Int(config, "max_num_seqs"), Dbl(config, "gpu_memory_utilization"), Int(config, "kv_block_tokens"), Long(config, "kv_capacity_tokens"), null,
                Str(config, "routing"), config.GetProperty("slo_ttft_ms").GetDouble(), config.GetProperty("slo_itl_ms").GetDouble(), o.Goodput,
                EnergySource(executor, backend));
            runs.Add(Stored(header, r, source));
        }
        return runs;
    }

    private static StoredRun V2(JsonElement r, string source, Overrides o)
    {
        RunHeader Header()
        {
            string? date = o.Date ?? (r.GetProperty("date").ValueKind == JsonValueKind.String ? r.GetProperty("date").GetString() : null);
            string executor = Str(r, "executor");
            var goodput = o.Goodput ?? (Dbl(r, "goodput_ttft_ms") is null && Dbl(r, "goodput_tpot_ms") is null && Dbl(r, "goodput_e2el_ms") is null
                ? null : new GoodputObjectives(Dbl(r, "goodput_ttft_ms"), Dbl(r, "goodput_tpot_ms"), Dbl(r, "goodput_e2el_ms")));
            return new RunHeader(date, Str(r, "label"), Str(r, "model_id"), Str(r, "model"), r.GetProperty("model_layers").GetInt32(), Str(r, "weight_dtype"),
                r.GetProperty("num_prompts").GetInt32(), Dbl(r, "request_rate"), Dbl(r, "burstiness"), Int(r, "max_concurrency"),
                r.TryGetProperty("ramp_up_strategy", out var ramp) ? ramp.GetString() : null, Dbl(r, "ramp_up_start_rps"), Dbl(r, "ramp_up_end_rps"),
                Str(r, "arrival_process"), Dbl(r, "time_scale"), Int(r, "seed"),
                Str(r, "policy"), Str(r, "policy_family"), Int(r, "chunk_budget_tokens"), Int(r, "layer_groups"), Int(r, "layered_budget_tokens"),
                executor, Str(r, "executor_backend"), o.ExecutorDevice ?? Str(r, "executor_device"), Str(r, "device"),
                r.GetProperty("tensor_parallel_size").GetInt32(), Str(r, "workload"),
                Int(r, "max_num_seqs"), Dbl(r, "gpu_memory_utilization"), Int(r, "kv_block_tokens"), Long(r, "kv_capacity_tokens"), Int(r, "max_model_len"),
                Str(r, "routing"), r.GetProperty("slo_ttft_ms").GetDouble(), r.GetProperty("slo_itl_ms").GetDouble(), goodput,
                ResultJson.EnergySourceOf(Str(r, "energy_source")),
                r.TryGetProperty("slo_source", out var slo) && slo.ValueKind == JsonValueKind.String ? slo.GetString()! : RunContext.PaperSlo);
        }
        return Stored(Header(), r, source);
    }

    private static StoredRun Stored(RunHeader header, JsonElement r, string source)
    {
        if (!r.TryGetProperty("requests", out var requests) || requests.ValueKind != JsonValueKind.Array)
            throw new UserInputException($"{source}: run '{header.Label}' has no per-request timelines (it was written without --timelines), so its metrics cannot be derived again; run it again with --timelines");
        var timelines = requests.EnumerateArray().Select(t => new RequestTimeline(
            t.GetProperty("id").GetInt32(), t.GetProperty("arrival_s").GetDouble(), t.GetProperty("prompt_tokens").GetInt32(), t.GetProperty("output_tokens").GetInt32(),
            Dbl(t, "first_scheduled_s"), t.GetProperty("token_times_s").EnumerateArray().Select(x => x.GetDouble()).ToArray(), Dbl(t, "finish_s"),
            t.GetProperty("preemptions").GetInt32(), t.GetProperty("rejected").GetBoolean(), Dbl(t, "execution_s") ?? 0, Dbl(t, "client_queue_s") ?? 0)).ToArray();
        bool hasLog = r.TryGetProperty("iteration_log", out var log) && log.ValueKind == JsonValueKind.Array;
        var iterations = hasLog ? log.EnumerateArray().Select(Iteration).ToArray() : [];
        bool hasTokens = r.TryGetProperty("generated_token_ids", out var ids) && ids.ValueKind == JsonValueKind.Object;
        var tokenIds = hasTokens
            ? ids.EnumerateObject().ToDictionary(p => int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture),
                p => (IReadOnlyList<int>)p.Value.EnumerateArray().Select(x => x.GetInt32()).ToArray())
            : new Dictionary<int, IReadOnlyList<int>>();
        double storedEnergy = Dbl(r, "energy_j") ?? double.NaN;
        double idle = double.IsFinite(storedEnergy) && hasLog ? Math.Max(0, storedEnergy - iterations.Sum(i => i.EnergyJoules)) : 0;
        double end = timelines.Select(t => t.FinishSeconds ?? t.TokenTimesSeconds.LastOrDefault(t.ArrivalSeconds)).DefaultIfEmpty(0).Max();
        if (hasLog && iterations.Length > 0) end = Math.Max(end, iterations[^1].StartSeconds + iterations[^1].DurationSeconds);
        var run = new RunResult(header.Policy, header.Executor == "roofline" ? "roofline" : $"kernels/{header.ExecutorBackend}", timelines, iterations, end, idle,
            r.TryGetProperty("interrupted", out var cut) && cut.GetBoolean(), tokenIds);
        var metrics = ServingMetrics.From(run, new Slo(header.SloTtftMs / 1000, header.SloItlMs / 1000));
        if (!hasLog)
        {
            // Without the log the totals live only in the summary: keep them as written.
            metrics = metrics with
            {
                ExpertWeightBytes = Dbl(r, "expert_weight_bytes") ?? double.NaN, DenseWeightBytes = Dbl(r, "dense_weight_bytes") ?? double.NaN,
                KvReadBytes = Dbl(r, "kv_read_bytes") ?? double.NaN, KvWriteBytes = Dbl(r, "kv_write_bytes") ?? double.NaN, TotalBytes = Dbl(r, "total_bytes") ?? double.NaN,
                ExpertBytesPerToken = Dbl(r, "expert_bytes_per_token") ?? double.NaN, ExpertBytesPerOutputToken = Dbl(r, "expert_bytes_per_output_token") ?? double.NaN,
                EnergyJoules = storedEnergy, EnergyPerTokenJoules = Dbl(r, "energy_per_token_j") ?? double.NaN,
                EnergyPerOutputTokenJoules = Dbl(r, "energy_per_output_token_j") ?? double.NaN,
                Iterations = Int(r, "iterations") ?? 0, MeanIterationSeconds = (Dbl(r, "mean_iteration_ms") ?? double.NaN) / 1000,
                BytesPerIteration = Dbl(r, "bytes_per_iteration") ?? double.NaN,
            };
        }
        return new StoredRun(header, run, metrics, hasLog, hasTokens);
    }

    private static IterationRecord Iteration(JsonElement it) => new(
        it.GetProperty("i").GetInt32(), it.GetProperty("start_s").GetDouble(), it.GetProperty("duration_s").GetDouble(),
        it.GetProperty("decode_tokens").GetInt32(), it.GetProperty("prefill_tokens").GetInt32(), it.GetProperty("prefill_requests").GetInt32(),
        it.GetProperty("prefill_layer_start").GetInt32(), it.GetProperty("prefill_layer_end").GetInt32(), Int(it, "emitted_tokens") ?? 0,
        it.GetProperty("preempted").GetInt32(), it.GetProperty("kv_blocks_used").GetInt64(),
        new Traffic(Num(it, "expert_weight_bytes"), Num(it, "dense_weight_bytes"), Num(it, "kv_read_bytes"), Num(it, "kv_write_bytes"), Num(it, "activation_bytes")),
        Num(it, "flops"), Num(it, "energy_j"));

    /// <summary>"roofline" or "kernels/simd" as (executor, backend).</summary>
    private static (string Executor, string Backend) SplitExecutor(string name) =>
        name.StartsWith("kernels/", StringComparison.Ordinal) ? ("kernels", name["kernels/".Length..]) : (name, name);

    /// <summary>Where a run's energy comes from, by what ran it.</summary>
    public static string EnergySource(string executor, string backend) => executor == "roofline" ? RunContext.RooflineEnergy
        : backend == "ilgpu-cuda" ? "nvml: the GPU's energy counter read around every iteration"
        : $"not measured: the {backend} kernels run on a CPU, which has no energy counter here";

    private static string Str(JsonElement e, string name) => e.GetProperty(name).GetString() ?? throw new FormatException($"'{name}' is null");

    private static double Num(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;

    private static double? Dbl(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static int? Int(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    private static long? Long(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;
}

using System.Text.Json;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Sweeps;

/// <summary>The summary of one finished sweep point, as read back from its result file (latencies in ms; NaN where undefined).</summary>
public sealed record PointResult(
    string Key,
    string Model,
    string Trace,
    string Policy,
    double RatePerSecond,
    int Requests,
    int Completed,
    double SloTtftMs,
    double SloItlMs,
    double MeanTtftMs,
    double MedianTtftMs,
    double P90TtftMs,
    double P99TtftMs,
    double MeanTpotMs,
    double MeanItlMs,
    double P99ItlMs,
    double MeanE2elMs,
    double P99E2elMs,
    double SloAttainment,
    double ExpertBytesPerToken,
    double EnergyPerTokenJoules,
    double EnergyPerOutputTokenJoules,
    int Seed = 0,
    double MaxItlMs = double.NaN)
{
    /// <summary>The policy parsed back from its canonical name.</summary>
    public SchedulingPolicy ParsedPolicy => PolicyRegistry.Parse(Policy);

    /// <summary>Family name for grouping: chunked, layered or prefill-first.</summary>
    public string Family => ParsedPolicy.Family;

    /// <summary>The knob as a short label: the chunk budget, G, "adaptive", or "" for prefill-first.</summary>
    public string Knob => ParsedPolicy.Knob;

    /// <summary>Reads a point file written by <see cref="SweepStore"/> (the flat result layout with the point's names).</summary>
    public static PointResult Parse(string json, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var r = doc.RootElement;
            if (!r.TryGetProperty("format_version", out var version) || version.GetInt32() != Experiments.ResultJson.FormatVersion)
                throw new InvalidOperationException($"format_version is not {Experiments.ResultJson.FormatVersion}; run the sweep again into an empty folder");
            return new PointResult(
                Str(r, "point_key"), Str(r, "point_model"), Str(r, "point_trace"), Str(r, "policy"),
                r.GetProperty("request_rate").GetDouble(), r.GetProperty("num_prompts").GetInt32(), r.GetProperty("completed").GetInt32(),
                Num(r, "slo_ttft_ms"), Num(r, "slo_itl_ms"),
                Num(r, "mean_ttft_ms"), Num(r, "median_ttft_ms"), Num(r, "p90_ttft_ms"), Num(r, "p99_ttft_ms"),
                Num(r, "mean_tpot_ms"), Num(r, "mean_itl_ms"), Num(r, "p99_itl_ms"), Num(r, "mean_e2el_ms"), Num(r, "p99_e2el_ms"),
                Num(r, "slo_attainment"), Num(r, "expert_bytes_per_token"), Num(r, "energy_per_token_j"), Num(r, "energy_per_output_token_j"),
                r.TryGetProperty("seed", out var seed) && seed.TryGetInt32(out int s) ? s : 0,
                Num(r, "max_itl_ms"));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException or FormatException)
        {
            throw new UserInputException($"{source}: not a sweep point result ({e.Message.Split('\n')[0]})");
        }
    }

    private static string Str(JsonElement e, string name) => e.GetProperty(name).GetString() ?? throw new InvalidOperationException($"'{name}' is null");

    private static double Num(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;
}

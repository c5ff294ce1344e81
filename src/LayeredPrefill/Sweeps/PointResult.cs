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
    int Seed = 0)
{
    /// <summary>The policy parsed back from its canonical name.</summary>
    public SchedulingPolicy ParsedPolicy => PolicyRegistry.Parse(Policy);

    /// <summary>Family name for grouping: chunked, layered or prefill-first.</summary>
    public string Family => ParsedPolicy.Family;

    /// <summary>The knob as a short label: the chunk budget, G, "adaptive", or "" for prefill-first.</summary>
    public string Knob => ParsedPolicy.Knob;

    /// <summary>Reads a point file written by <see cref="SweepStore"/>.</summary>
    public static PointResult Parse(string json, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var result = root.GetProperty("result");
            var r = result.GetProperty("results")[0];
            var config = result.GetProperty("config");
            return new PointResult(
                root.GetProperty("key").GetString()!, root.GetProperty("model").GetString()!, root.GetProperty("trace").GetString()!,
                root.GetProperty("policy").GetString()!, root.GetProperty("rate").GetDouble(), root.GetProperty("requests").GetInt32(),
                r.GetProperty("completed").GetInt32(),
                Num(config, "slo_ttft_ms"), Num(config, "slo_itl_ms"),
                Num(r, "mean_ttft_ms"), Num(r, "median_ttft_ms"), Num(r, "p90_ttft_ms"), Num(r, "p99_ttft_ms"),
                Num(r, "mean_tpot_ms"), Num(r, "mean_itl_ms"), Num(r, "p99_itl_ms"), Num(r, "mean_e2el_ms"), Num(r, "p99_e2el_ms"),
                Num(r, "slo_attainment"), Num(r, "expert_bytes_per_token"), Num(r, "energy_per_token_j"), Num(r, "energy_per_output_token_j"),
                root.TryGetProperty("seed", out var seed) && seed.TryGetInt32(out int s) ? s : 0);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException or FormatException)
        {
            throw new UserInputException($"{source}: not a sweep point result ({e.Message.Split('\n')[0]})");
        }
    }

    private static double Num(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;
}

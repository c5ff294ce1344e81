using System.Text;
using System.Text.Json;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Sweeps;

/// <summary>
/// Reads and writes a <see cref="SweepDefinition"/> as JSON: name, policies, models, traces, rates (or a "grids" array of
/// {models, traces, rates, requests, max_model_len}), requests or duration_s, device, tp, seed, slo_ttft_ms, slo_itl_ms, layered_budget,
/// rejected_meet_slo, seeds.
/// </summary>
public static class SweepDefinitionJson
{
    private static readonly string[] TopFields =
        ["name", "policies", "models", "traces", "rates", "grids", "requests", "duration_s", "device", "tp", "seed", "slo_ttft_ms", "slo_itl_ms", "layered_budget", "rejected_meet_slo", "seeds", "capacity_target"];
    private static readonly string[] GridFields = ["models", "traces", "rates", "requests", "max_model_len"];

    /// <summary>Loads and validates the definition in <paramref name="path"/>; any problem is one line naming the file and field.</summary>
    public static SweepDefinition ReadFile(string path)
    {
        string text = IO.BoundedFile.ReadAllText(path, IO.ReadLimits.SweepDefinition);
        return Parse(text, path);
    }

    /// <summary>Parses and validates <paramref name="json"/>; <paramref name="source"/> names it in errors.</summary>
    public static SweepDefinition Parse(string json, string source)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException e)
        {
            throw new UserInputException($"{source}:{IO.JsonInput.Where(e)}: invalid JSON ({IO.JsonInput.Reason(e)})");
        }
        using (doc)
        {
            var root = doc.RootElement;
            IO.JsonInput.RequireValidStrings(root, source);
            if (root.ValueKind != JsonValueKind.Object) throw new UserInputException($"{source}: expected a JSON object at the top");
            CheckFields(root, TopFields, source, "");
            string name = String(root, "name", source) ?? Path.GetFileNameWithoutExtension(source);
            var policies = Strings(root, "policies", source) ?? SweepDefinition.Default.Policies;
            List<SweepGrid> grids;
            if (root.TryGetProperty("grids", out var gridsElement))
            {
                if (root.TryGetProperty("models", out _) || root.TryGetProperty("traces", out _) || root.TryGetProperty("rates", out _))
                    throw new UserInputException($"{source}: field 'grids': give either grids or top-level models/traces/rates, not both");
                if (gridsElement.ValueKind != JsonValueKind.Array) throw new UserInputException($"{source}: field 'grids': expected an array of objects");
                grids = [];
                int i = 0;
                foreach (var g in gridsElement.EnumerateArray())
                {
                    string prefix = $"grids[{i++}].";
                    if (g.ValueKind != JsonValueKind.Object) throw new UserInputException($"{source}: field '{prefix[..^1]}': expected an object");
                    CheckFields(g, GridFields, source, prefix);
                    grids.Add(Grid(g, source, prefix));
                }
            }
            else
            {
                grids = [Grid(root, source, "") with { Requests = null, MaxModelLengthTokens = null }];
            }
            var def = new SweepDefinition(
                name, policies, grids,
                RequestsPerPoint: Int(root, "requests", source) ?? (root.TryGetProperty("duration_s", out _) ? null : SweepDefinition.Default.RequestsPerPoint),
                DurationSeconds: Double(root, "duration_s", source),
                Device: String(root, "device", source) ?? "h100-sxm",
                TensorParallel: Int(root, "tp", source) ?? 2,
                Seed: Int(root, "seed", source) ?? 0,
                SloTtftMs: Double(root, "slo_ttft_ms", source),
                SloItlMs: Double(root, "slo_itl_ms", source),
                LayeredBudgetTokens: Int(root, "layered_budget", source) ?? LayeredPolicy.DefaultBudgetTokens,
                RejectedMeetSlo: Bool(root, "rejected_meet_slo", source) ?? false,
                Seeds: Int(root, "seeds", source) ?? 1,
                CapacityTarget: Double(root, "capacity_target", source));
            return def.Validate(source);
        }
    }

    /// <summary>Writes <paramref name="d"/> in the format <see cref="Parse"/> reads (always as a "grids" array).</summary>
    public static string Write(SweepDefinition d)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("name", d.Name);
            StringArray(w, "policies", d.Policies);
            w.WriteStartArray("grids");
            foreach (var g in d.Grids)
            {
                w.WriteStartObject();
                StringArray(w, "models", g.Models);
                StringArray(w, "traces", g.Traces);
                w.WriteStartArray("rates");
                foreach (double r in g.Rates) w.WriteNumberValue(r);
                w.WriteEndArray();
                if (g.Requests is { } n) w.WriteNumber("requests", n);
                if (g.MaxModelLengthTokens is { } len) w.WriteNumber("max_model_len", len);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (d.RequestsPerPoint is { } count) w.WriteNumber("requests", count);
            if (d.DurationSeconds is { } s) w.WriteNumber("duration_s", s);
            w.WriteString("device", d.Device);
            w.WriteNumber("tp", d.TensorParallel);
            w.WriteNumber("seed", d.Seed);
            if (d.SloTtftMs is { } t) w.WriteNumber("slo_ttft_ms", t);
            if (d.SloItlMs is { } i) w.WriteNumber("slo_itl_ms", i);
            w.WriteNumber("layered_budget", d.LayeredBudgetTokens);
            if (d.RejectedMeetSlo) w.WriteBoolean("rejected_meet_slo", true);
            if (d.Seeds != 1) w.WriteNumber("seeds", d.Seeds);
            if (d.CapacityTarget is { } target) w.WriteNumber("capacity_target", target);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static SweepGrid Grid(JsonElement e, string source, string prefix) => new(
        Strings(e, "models", source, prefix) ?? ["qwen3-30b-a3b"],
        Strings(e, "traces", source, prefix) ?? ["arxiv-long"],
        Doubles(e, "rates", source, prefix) ?? throw new UserInputException($"{source}: field '{prefix}rates' is missing"),
        Int(e, "requests", source, prefix),
        Int(e, "max_model_len", source, prefix));

    private static void CheckFields(JsonElement e, string[] known, string source, string prefix)
    {
        foreach (var p in e.EnumerateObject())
            if (!known.Contains(p.Name))
                throw new UserInputException($"{source}: unknown field '{IO.Echo.Of(prefix + p.Name)}' (valid: {string.Join(", ", known)})");
    }

    private static string? String(JsonElement e, string field, string source, string prefix = "")
    {
        if (!e.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw Wrong(source, prefix + field, "a string", v);
    }

    private static int? Int(JsonElement e, string field, string source, string prefix = "")
    {
        if (!e.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n) ? n : throw Wrong(source, prefix + field, "an integer", v);
    }

    private static bool? Bool(JsonElement e, string field, string source, string prefix = "")
    {
        if (!e.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw Wrong(source, prefix + field, "true or false", v);
    }

    private static double? Double(JsonElement e, string field, string source, string prefix = "")
    {
        if (!e.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Wrong(source, prefix + field, "a number", v);
    }

    private static IReadOnlyList<string>? Strings(JsonElement e, string field, string source, string prefix = "")
    {
        if (!e.TryGetProperty(field, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Array) throw Wrong(source, prefix + field, "an array of strings", v);
        foreach (var x in v.EnumerateArray())
            if (x.ValueKind != JsonValueKind.String) throw Wrong(source, prefix + field, "an array of strings", x);
        return v.EnumerateArray().Select(x => x.GetString()!).ToArray();
    }

    private static IReadOnlyList<double>? Doubles(JsonElement e, string field, string source, string prefix = "")
    {
        if (!e.TryGetProperty(field, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Array) throw Wrong(source, prefix + field, "an array of numbers", v);
        foreach (var x in v.EnumerateArray())
            if (x.ValueKind != JsonValueKind.Number) throw Wrong(source, prefix + field, "an array of numbers", x);
        return v.EnumerateArray().Select(x => x.GetDouble()).ToArray();
    }

    private static void StringArray(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (string s in values) w.WriteStringValue(s);
        w.WriteEndArray();
    }

    private static UserInputException Wrong(string source, string field, string expected, JsonElement got) =>
        new($"{source}: field '{field}': expected {expected} (got {got.ValueKind.ToString().ToLowerInvariant()})");
}

using System.Text;
using System.Text.Json;

namespace LayeredPrefill.Execution.Roofline;

/// <summary>Reads and writes a <see cref="DeviceProfile"/> as JSON (calibrated profiles, e.g. results/devices/h100.json).</summary>
/// <remarks>
/// Loading is strict: every field must be present, finite and in range, op classes must be known,
/// and unknown fields are refused (a typo would otherwise silently fall back to nothing). Each
/// problem is one <see cref="UserInputException"/> line naming the file and the field.
/// </remarks>
public static class DeviceProfileJson
{
    private static readonly string[] TopLevelFields =
    [
        "name", "memoryBytes", "peakMemoryBytesPerSecond", "peakMatrixFlopsPerSecond", "efficiency",
        "interconnectBytesPerSecond", "interconnectLatencySeconds", "idleWatts", "dramPicojoulesPerByte",
        "picojoulesPerFlop", "source", "shaped", "expertEfficiency", "pagedPrefillAttention", "engineOverhead",
    ];

    private static readonly string[] CurveFields = ["tokensPerExpert", "computeFraction", "memoryFraction"];

    private static readonly string[] OverheadFields = ["graphedIterationSeconds", "eagerIterationSeconds", "graphMaxTokens", "tokenLayerSeconds", "prefillTokenHostSeconds", "sequenceHostSeconds", "contextTokenHostSeconds", "layerDispatchSeconds"];

    private static readonly string[] ShapedFields = ["op", "weightBytes", "computeFraction", "memoryFraction", "launchOverheadSeconds"];

    private static readonly string[] EfficiencyFields = ["computeFraction", "memoryFraction", "launchOverheadSeconds"];

    /// <summary>Writes <paramref name="profile"/> to <paramref name="path"/> (indented; doubles round-trip exactly).</summary>
    public static void Save(DeviceProfile profile, string path)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        // Atomic: an interrupted calibration must not leave half a profile that a later --device would refuse.
        IO.AtomicFile.WriteAllText(path, ToJson(profile));
    }

    /// <summary>The JSON text of <paramref name="profile"/>.</summary>
    public static string ToJson(DeviceProfile profile)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("name", profile.Name);
            w.WriteNumber("memoryBytes", profile.MemoryBytes);
            w.WriteNumber("peakMemoryBytesPerSecond", profile.PeakMemoryBytesPerSecond);
            w.WriteNumber("peakMatrixFlopsPerSecond", profile.PeakMatrixFlopsPerSecond);
            w.WriteStartObject("efficiency");
            foreach (var op in Enum.GetValues<OpClass>())
            {
                if (!profile.Efficiency.TryGetValue(op, out var e)) continue;
                w.WriteStartObject(op.ToString());
                WriteEfficiency(w, e);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteNumber("interconnectBytesPerSecond", profile.InterconnectBytesPerSecond);
            w.WriteNumber("interconnectLatencySeconds", profile.InterconnectLatencySeconds);
            w.WriteNumber("idleWatts", profile.IdleWatts);
            w.WriteNumber("dramPicojoulesPerByte", profile.DramPicojoulesPerByte);
            w.WriteNumber("picojoulesPerFlop", profile.PicojoulesPerFlop);
            w.WriteString("source", profile.Source);
            // Optional: written only when present, so profiles without shaped entries keep their old text.
            if (profile.Shaped is { Count: > 0 } shaped)
            {
                w.WriteStartArray("shaped");
                foreach (var e in shaped)
                {
                    w.WriteStartObject();
                    w.WriteString("op", e.Op.ToString());
                    w.WriteNumber("weightBytes", e.WeightBytes);
                    w.WriteNumber("computeFraction", e.Efficiency.ComputeFraction);
                    w.WriteNumber("memoryFraction", e.Efficiency.MemoryFraction);
                    w.WriteNumber("launchOverheadSeconds", e.Efficiency.LaunchOverheadSeconds);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            if (profile.ExpertCurve is { } curve)
            {
                w.WriteStartArray("expertEfficiency");
                foreach (var p in curve.Points)
                {
                    w.WriteStartObject();
                    w.WriteNumber("tokensPerExpert", p.TokensPerExpert);
                    w.WriteNumber("computeFraction", p.ComputeFraction);
                    w.WriteNumber("memoryFraction", p.MemoryFraction);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            if (profile.PagedPrefillAttention is { } paged)
            {
                w.WriteStartObject("pagedPrefillAttention");
                WriteEfficiency(w, paged);
                w.WriteEndObject();
            }
            if (profile.Overhead is { } overhead)
            {
                w.WriteStartObject("engineOverhead");
                w.WriteNumber("graphedIterationSeconds", overhead.GraphedIterationSeconds);
                w.WriteNumber("eagerIterationSeconds", overhead.EagerIterationSeconds);
                w.WriteNumber("graphMaxTokens", overhead.GraphMaxTokens);
                w.WriteNumber("tokenLayerSeconds", overhead.TokenLayerSeconds);
                w.WriteNumber("prefillTokenHostSeconds", overhead.PrefillTokenHostSeconds);
                w.WriteNumber("sequenceHostSeconds", overhead.SequenceHostSeconds);
                w.WriteNumber("contextTokenHostSeconds", overhead.ContextTokenHostSeconds);
                w.WriteNumber("layerDispatchSeconds", overhead.LayerDispatchSeconds);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteEfficiency(Utf8JsonWriter w, OpEfficiency e)
    {
        w.WriteNumber("computeFraction", e.ComputeFraction);
        w.WriteNumber("memoryFraction", e.MemoryFraction);
        w.WriteNumber("launchOverheadSeconds", e.LaunchOverheadSeconds);
    }

    /// <summary>Loads and validates the profile in <paramref name="path"/>.</summary>
    public static DeviceProfile Load(string path)
    {
        string text = IO.BoundedFile.ReadAllText(path, IO.ReadLimits.DeviceProfile);
        return Parse(text, path);
    }

    /// <summary>Parses and validates profile JSON; <paramref name="where"/> names the source in errors.</summary>
    public static DeviceProfile Parse(string json, string where)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e)
        {
            throw new UserInputException($"{where}:{(e.LineNumber ?? 0) + 1}:{(e.BytePositionInLine ?? 0) + 1}: invalid JSON ({FirstLine(e.Message)})");
        }
        using (doc)
        {
            var root = doc.RootElement;
            IO.JsonInput.RequireValidStrings(root, where);
            if (root.ValueKind != JsonValueKind.Object)
                throw new UserInputException($"{where}: a device profile must be a JSON object");
            RefuseUnknown(root, TopLevelFields, where, "");

            var efficiency = new Dictionary<OpClass, OpEfficiency>();
            var effElement = Required(root, "efficiency", where, "");
            if (effElement.ValueKind != JsonValueKind.Object)
                throw new UserInputException($"{where}: field 'efficiency' must be an object keyed by op class");
            foreach (var property in effElement.EnumerateObject())
            {
                // Names only: Enum.TryParse would also take "1" for ExpertGemm.
                if (Array.IndexOf(Enum.GetNames<OpClass>(), property.Name) < 0 || !Enum.TryParse<OpClass>(property.Name, out var op))
                    throw new UserInputException($"{where}: field 'efficiency.{IO.Echo.Of(property.Name)}' is not an op class (valid: {string.Join(", ", Enum.GetNames<OpClass>())})");
                string prefix = $"efficiency.{property.Name}.";
                if (property.Value.ValueKind != JsonValueKind.Object)
                    throw new UserInputException($"{where}: field 'efficiency.{property.Name}' must be an object");
                efficiency[op] = Efficiency(property.Value, where, prefix);
            }
            foreach (var op in Enum.GetValues<OpClass>())
                if (!efficiency.ContainsKey(op))
                    throw new UserInputException($"{where}: field 'efficiency.{op}' is missing");

            var shapedList = ObjectArray(root, "shaped", ShapedFields, where, (item, prefix) =>
            {
                var opElement = Required(item, "op", where, prefix);
                string? opName = opElement.ValueKind == JsonValueKind.String ? opElement.GetString() : null;
                if (opName is null || Array.IndexOf(Enum.GetNames<OpClass>(), opName) < 0)
                    throw new UserInputException($"{where}: field '{prefix}op' is not an op class (valid: {string.Join(", ", Enum.GetNames<OpClass>())})");
                return new ShapedEfficiency(Enum.Parse<OpClass>(opName),
                    Number(item, "weightBytes", where, prefix, allowZero: false),
                    new OpEfficiency(Fraction(item, "computeFraction", where, prefix), Fraction(item, "memoryFraction", where, prefix),
                        Number(item, "launchOverheadSeconds", where, prefix, allowZero: true)));
            });

            ExpertEfficiencyCurve? curve = null;
            if (root.TryGetProperty("expertEfficiency", out _))
            {
                var points = ObjectArray(root, "expertEfficiency", CurveFields, where, (item, prefix) =>
                    new ExpertEfficiencyPoint(Number(item, "tokensPerExpert", where, prefix, allowZero: false),
                        Fraction(item, "computeFraction", where, prefix), Fraction(item, "memoryFraction", where, prefix)));
                curve = new ExpertEfficiencyCurve(points, $"{where}: field 'expertEfficiency'");
            }

            OpEfficiency? pagedAttention = null;
            if (root.TryGetProperty("pagedPrefillAttention", out var pagedElement))
            {
                if (pagedElement.ValueKind != JsonValueKind.Object)
                    throw new UserInputException($"{where}: field 'pagedPrefillAttention' must be an object");
                pagedAttention = Efficiency(pagedElement, where, "pagedPrefillAttention.");
            }

            EngineOverhead? overhead = null;
            if (root.TryGetProperty("engineOverhead", out var overheadElement))
            {
                const string prefix = "engineOverhead.";
                if (overheadElement.ValueKind != JsonValueKind.Object)
                    throw new UserInputException($"{where}: field 'engineOverhead' must be an object");
                RefuseUnknown(overheadElement, OverheadFields, where, prefix);
                double graphMax = Number(overheadElement, "graphMaxTokens", where, prefix, allowZero: false);
                if (graphMax != Math.Floor(graphMax) || graphMax > int.MaxValue)
                    throw new UserInputException($"{where}: field '{prefix}graphMaxTokens' must be a whole number of tokens (got {graphMax})");
                overhead = new EngineOverhead(Number(overheadElement, "graphedIterationSeconds", where, prefix, allowZero: true),
                    Number(overheadElement, "eagerIterationSeconds", where, prefix, allowZero: true), (int)graphMax,
                    Number(overheadElement, "tokenLayerSeconds", where, prefix, allowZero: true),
                    Number(overheadElement, "prefillTokenHostSeconds", where, prefix, allowZero: true),
                    Number(overheadElement, "sequenceHostSeconds", where, prefix, allowZero: true),
                    Number(overheadElement, "layerDispatchSeconds", where, prefix, allowZero: true),
                    Number(overheadElement, "contextTokenHostSeconds", where, prefix, allowZero: true));
            }

            return DeviceProfileLimits.Check(new DeviceProfile(
                Name: Text(root, "name", where),
                MemoryBytes: Number(root, "memoryBytes", where, "", allowZero: false),
                PeakMemoryBytesPerSecond: Number(root, "peakMemoryBytesPerSecond", where, "", allowZero: false),
                PeakMatrixFlopsPerSecond: Number(root, "peakMatrixFlopsPerSecond", where, "", allowZero: false),
                Efficiency: efficiency,
                InterconnectBytesPerSecond: Number(root, "interconnectBytesPerSecond", where, "", allowZero: false),
                InterconnectLatencySeconds: Number(root, "interconnectLatencySeconds", where, "", allowZero: true),
                IdleWatts: Number(root, "idleWatts", where, "", allowZero: true),
                DramPicojoulesPerByte: Number(root, "dramPicojoulesPerByte", where, "", allowZero: true),
                PicojoulesPerFlop: Number(root, "picojoulesPerFlop", where, "", allowZero: true),
                Source: Text(root, "source", where),
                Shaped: shapedList.Count > 0 ? shapedList : null,
                ExpertCurve: curve,
                PagedPrefillAttention: pagedAttention,
                Overhead: overhead), where);
        }
    }

    private static OpEfficiency Efficiency(JsonElement obj, string where, string prefix)
    {
        RefuseUnknown(obj, EfficiencyFields, where, prefix);
        return new OpEfficiency(Fraction(obj, "computeFraction", where, prefix), Fraction(obj, "memoryFraction", where, prefix),
            Number(obj, "launchOverheadSeconds", where, prefix, allowZero: true));
    }

    // An optional array of objects with known fields: empty when absent, each item parsed with its "field[i]." prefix.
    private static List<T> ObjectArray<T>(JsonElement root, string field, string[] known, string where, Func<JsonElement, string, T> parse)
    {
        var items = new List<T>();
        if (!root.TryGetProperty(field, out var array)) return items;
        if (array.ValueKind != JsonValueKind.Array)
            throw new UserInputException($"{where}: field '{field}' must be an array");
        int index = 0;
        foreach (var item in array.EnumerateArray())
        {
            string prefix = $"{field}[{index++}].";
            if (item.ValueKind != JsonValueKind.Object)
                throw new UserInputException($"{where}: field '{prefix[..^1]}' must be an object");
            RefuseUnknown(item, known, where, prefix);
            items.Add(parse(item, prefix));
        }
        return items;
    }

    private static JsonElement Required(JsonElement obj, string field, string where, string prefix) =>
        obj.TryGetProperty(field, out var value) ? value : throw new UserInputException($"{where}: field '{prefix}{field}' is missing");

    private static string Text(JsonElement obj, string field, string where)
    {
        var value = Required(obj, field, where, "");
        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
            throw new UserInputException($"{where}: field '{field}' must be a non-empty string");
        return value.GetString()!;
    }

    private static double Number(JsonElement obj, string field, string where, string prefix, bool allowZero)
    {
        var value = Required(obj, field, where, prefix);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double x) || !double.IsFinite(x))
            throw new UserInputException($"{where}: field '{prefix}{field}' must be a finite number (got {IO.Echo.Of(value.GetRawText())})");
        if (x < 0 || (!allowZero && x == 0))
            throw new UserInputException($"{where}: field '{prefix}{field}' must be {(allowZero ? ">= 0" : "> 0")} (got {IO.Echo.Of(value.GetRawText())})");
        return x;
    }

    private static double Fraction(JsonElement obj, string field, string where, string prefix)
    {
        double x = Number(obj, field, where, prefix, allowZero: false);
        if (x > 1) throw new UserInputException($"{where}: field '{prefix}{field}' must be in (0, 1] (got {x})");
        return x;
    }

    private static void RefuseUnknown(JsonElement obj, string[] known, string where, string prefix)
    {
        foreach (var property in obj.EnumerateObject())
            if (Array.IndexOf(known, property.Name) < 0)
                throw new UserInputException($"{where}: unknown field '{IO.Echo.Of(prefix + property.Name)}' (valid: {string.Join(", ", known)})");
    }

    // System.Text.Json quotes tokens that may span lines and appends " LineNumber: … | BytePositionInLine: …" and " Path: …", which the prefix already says.
    private static string FirstLine(string message) =>
        string.Join(' ', message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0]
            .Split((char[])['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

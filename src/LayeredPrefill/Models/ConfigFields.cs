using System.Text.Json;

namespace LayeredPrefill.Models;

/// <summary>Typed access to the top-level fields of a config.json, with one-line errors that name the file and the field.</summary>
/// <remarks>JSON null counts as absent, as in Hugging Face configs (e.g. "sliding_window": null).</remarks>
internal sealed class ConfigFields(JsonElement root, string source)
{
    /// <summary>Where the fields came from, for messages.</summary>
    public string Source { get; } = source;

    /// <summary>A user error about <paramref name="field"/>.</summary>
    public UserInputException Error(string field, string what) => new($"{Source}: field '{field}' {what}");

    /// <summary>True when the field is present and not null.</summary>
    public bool Has(string field) => root.TryGetProperty(field, out JsonElement v) && v.ValueKind != JsonValueKind.Null;

    private JsonElement? Get(string field) =>
        root.TryGetProperty(field, out JsonElement v) && v.ValueKind != JsonValueKind.Null ? v : null;

    /// <summary>An integer field, or null when absent.</summary>
    public int? OptionalInt(string field)
    {
        if (Get(field) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Number) throw Error(field, $"must be a number (got {Describe(v)})");
        if (v.TryGetInt32(out int i)) return i;
        // Some exporters write whole numbers as 2048.0.
        if (v.TryGetDouble(out double d) && double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue) return (int)d;
        throw Error(field, $"must be a whole number that fits in 32 bits (got {IO.Echo.Of(v.GetRawText())})");
    }

    /// <summary>A required integer field that must be &gt; 0.</summary>
    public int RequiredPositiveInt(string field) =>
        OptionalPositiveInt(field) ?? throw Error(field, "is missing");

    /// <summary>An optional integer field that must be &gt; 0 when present.</summary>
    public int? OptionalPositiveInt(string field)
    {
        int? value = OptionalInt(field);
        if (value is <= 0) throw Error(field, $"must be > 0 (got {value})");
        return value;
    }

    /// <summary>An optional integer field that must be &gt;= 0 when present.</summary>
    public int? OptionalNonNegativeInt(string field)
    {
        int? value = OptionalInt(field);
        if (value is < 0) throw Error(field, $"must be >= 0 (got {value})");
        return value;
    }

    /// <summary>A finite number field, or null when absent.</summary>
    public double? OptionalDouble(string field)
    {
        if (Get(field) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double d) || !double.IsFinite(d))
            throw Error(field, $"must be a finite number (got {Describe(v)})");
        return d;
    }

    /// <summary>A boolean field, or null when absent.</summary>
    public bool? OptionalBool(string field) => Get(field) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { } v => throw Error(field, $"must be true or false (got {Describe(v)})"),
    };

    /// <summary>A string field, or null when absent.</summary>
    public string? OptionalString(string field) => Get(field) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        { } v => throw Error(field, $"must be a string (got {Describe(v)})"),
    };

    /// <summary>An array field of strings, or null when absent.</summary>
    public IReadOnlyList<string>? OptionalStringArray(string field)
    {
        if (Get(field) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Array) throw Error(field, $"must be an array (got {Describe(v)})");
        var items = new List<string>();
        foreach (JsonElement item in v.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) throw Error(field, $"must hold strings (got {Describe(item)})");
            items.Add(item.GetString()!);
        }
        return items;
    }

    /// <summary>The number of items of an array field, or null when absent.</summary>
    public int? OptionalArrayLength(string field)
    {
        if (Get(field) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Array) throw Error(field, $"must be an array (got {Describe(v)})");
        return v.GetArrayLength();
    }

    /// <summary>quantization_config.quant_method, lower-case, or null when the checkpoint is not quantised.</summary>
    public string? QuantMethod()
    {
        if (Get("quantization_config") is not { ValueKind: JsonValueKind.Object } q) return null;
        return q.TryGetProperty("quant_method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()!.ToLowerInvariant() : null;
    }

    private static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{IO.Echo.Of(v.GetString())}\"",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => IO.Echo.Of(v.GetRawText()),
    };
}

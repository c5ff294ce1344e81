using System.Text.Json;

namespace LayeredPrefill.Tests.Experiments;

/// <summary>
/// The part of JSON Schema the published result schemas use (type, const, required, properties, additionalProperties: false,
/// items), checked without a validator package; the schemas were also checked with Python's jsonschema when written.
/// </summary>
internal static class JsonSchemaCheck
{
    /// <summary>Every violation of <paramref name="schema"/> by <paramref name="value"/>, as "path: what".</summary>
    public static IReadOnlyList<string> Errors(JsonElement schema, JsonElement value, string path = "$")
    {
        var errors = new List<string>();
        if (schema.TryGetProperty("const", out var constant) && constant.GetRawText() != value.GetRawText())
            errors.Add($"{path}: expected {constant.GetRawText()}, got {value.GetRawText()}");
        if (schema.TryGetProperty("type", out var type))
        {
            var allowed = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToArray() : [type.GetString()!];
            if (!allowed.Any(t => Is(value, t))) errors.Add($"{path}: {value.ValueKind} is not {string.Join("|", allowed)}");
        }
        if (value.ValueKind == JsonValueKind.Object)
        {
            if (schema.TryGetProperty("required", out var required))
                foreach (var key in required.EnumerateArray())
                    if (!value.TryGetProperty(key.GetString()!, out _)) errors.Add($"{path}: missing required '{key.GetString()}'");
            schema.TryGetProperty("properties", out var properties);
            foreach (var p in value.EnumerateObject())
            {
                if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(p.Name, out var sub)) errors.AddRange(Errors(sub, p.Value, $"{path}.{p.Name}"));
                else if (schema.TryGetProperty("additionalProperties", out var extra))
                {
                    if (extra.ValueKind == JsonValueKind.False) errors.Add($"{path}: '{p.Name}' is not in the schema");
                    else if (extra.ValueKind == JsonValueKind.Object) errors.AddRange(Errors(extra, p.Value, $"{path}.{p.Name}"));
                }
            }
        }
        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            int i = 0;
            foreach (var item in value.EnumerateArray()) errors.AddRange(Errors(items, item, $"{path}[{i++}]"));
        }
        return errors;
    }

    private static bool Is(JsonElement v, string type) => type switch
    {
        "null" => v.ValueKind == JsonValueKind.Null,
        "boolean" => v.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "string" => v.ValueKind == JsonValueKind.String,
        "number" => v.ValueKind == JsonValueKind.Number,
        "integer" => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out _),
        "array" => v.ValueKind == JsonValueKind.Array,
        "object" => v.ValueKind == JsonValueKind.Object,
        _ => false,
    };
}

using System.Text.Json;
using System.Text.Json.Serialization;
using LayeredPrefill.IO;

namespace LayeredPrefill.Reporting.Gpu;

/// <summary>The card a GPU result was measured on: its name, driver and the UTC date of the run.</summary>
public sealed record GpuCard(string Card, string Driver, string Date);

/// <summary>
/// Typed GPU result files (decode throughput, layer timings, serving runs): one JSON form for every record, snake_case keys,
/// every constructor field required on load and no unknown field accepted, so a file from another version is refused in
/// one line instead of read as zeros.
/// </summary>
public static class GpuResultFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 32,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes <paramref name="value"/> to <paramref name="path"/> atomically.</summary>
    public static void Save<T>(string path, T value) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(value, Options) + "\n");

    /// <summary>The JSON text of <paramref name="value"/>.</summary>
    public static string ToJson<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Reads a <typeparamref name="T"/> from <paramref name="path"/>; an unreadable or malformed file is one user error naming it.</summary>
    public static T Load<T>(string path)
    {
        // The bounded reader: a result file is bounded in size, and a device, a FIFO or bytes that are not text are one line.
        string text = IO.BoundedFile.ReadAllText(path, IO.ReadLimits.ResultFile($"a {typeof(T).Name} file"));
        return Parse<T>(text, path);
    }

    /// <summary>Parses JSON text written by <see cref="Save{T}"/>; <paramref name="where"/> names it in errors.</summary>
    public static T Parse<T>(string text, string where)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, Options) ?? throw new UserInputException($"{where}: empty {typeof(T).Name} file");
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{where}: not a {typeof(T).Name} file ({IO.Echo.Of(e.Message.Split('\n')[0], 200)})");
        }
        catch (InvalidOperationException e)
        {
            // A lone surrogate escape ("\ud800") in a string field.
            throw new UserInputException($"{where}: not a {typeof(T).Name} file ({IO.Echo.Of(e.Message.Split('\n')[0], 200)})");
        }
    }
}

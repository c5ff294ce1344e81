using System.Text.Json;

namespace LayeredPrefill.IO;

/// <summary>Checks shared by every JSON reader once the document has parsed.</summary>
public static class JsonInput
{
    /// <summary>
    /// Refuses a string or property name that is not valid Unicode (a lone surrogate escape such as "\ud800"), which
    /// System.Text.Json parses but cannot hand back as a string; without this every reader would crash on first access.
    /// </summary>
    public static void RequireValidStrings(JsonElement root, string source)
    {
        Visit(root, "", source);
    }

    /// <summary>"line:column" (1-based, as editors count) of a parse error.</summary>
    public static string Where(JsonException e) => $"{(e.LineNumber ?? 0) + 1}:{(e.BytePositionInLine ?? 0) + 1}";

    /// <summary>The parser's reason on one line, without the position and path it appends (the prefix says those).</summary>
    public static string Reason(JsonException e) =>
        Echo.Of(string.Join(' ', e.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0]
            .Split((char[])['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)), 200);

    private static void Visit(JsonElement e, string path, string source)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    string name;
                    try { name = p.Name; }
                    catch (InvalidOperationException) { throw Bad(source, path.Length == 0 ? "a field name" : $"a field name in '{path}'"); }
                    Visit(p.Value, path.Length == 0 ? name : $"{path}.{name}", source);
                }
                break;
            case JsonValueKind.Array:
                int i = 0;
                foreach (var item in e.EnumerateArray()) Visit(item, $"{path}[{i++}]", source);
                break;
            case JsonValueKind.String:
                try { _ = e.GetString(); }
                catch (InvalidOperationException) { throw Bad(source, $"field '{path}'"); }
                break;
        }
    }

    private static UserInputException Bad(string source, string where) =>
        new($"{source}: {Echo.Of(where, 120)} holds an invalid string (a lone UTF-16 surrogate escape such as \\ud800)");
}

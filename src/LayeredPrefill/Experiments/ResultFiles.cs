using System.Text;
using System.Text.Json;

namespace LayeredPrefill.Experiments;

/// <summary>One run listed in an index: its label, policy and file (relative to the index).</summary>
public sealed record IndexEntry(string Label, string Policy, string File);

/// <summary>
/// Where a command that serves several runs writes them: one result file per run beside an index. `compare --output cmp.json`
/// writes cmp.chunked-512.json, cmp.layered-adaptive.json, … and cmp.json, the index, which lists them ("kind": "index"), so
/// <c>glob("cmp.*.json")</c> picks exactly the runs.
/// </summary>
public static class ResultFiles
{
    /// <summary>The file of the run labelled <paramref name="label"/> beside the index <paramref name="indexPath"/>.</summary>
    public static string RunPath(string indexPath, string label)
    {
        string folder = Path.GetDirectoryName(indexPath) ?? "";
        string stem = Path.GetFileNameWithoutExtension(indexPath);
        string extension = Path.GetExtension(indexPath) is { Length: > 0 } e ? e : ".json";
        return Path.Combine(folder, $"{stem}.{Safe(label)}{extension}");
    }

    /// <summary>The index text: which runs, where, and (for runs that recorded tokens) whether every run generated the same ones.</summary>
    public static string Index(string command, IReadOnlyList<IndexEntry> runs, bool? tokensAgree = null)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("tool", "layered-prefill");
            w.WriteNumber("format_version", ResultJson.FormatVersion);
            w.WriteString("kind", "index");
            w.WriteString("command", command);
            if (tokensAgree is { } agree) w.WriteBoolean("tokens_agree", agree);
            w.WriteStartArray("runs");
            foreach (var r in runs)
            {
                w.WriteStartObject();
                w.WriteString("label", r.Label);
                w.WriteString("policy", r.Policy);
                w.WriteString("file", r.File);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static string Safe(string label)
    {
        var sb = new StringBuilder(label.Length);
        foreach (char c in label) sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-');
        return sb.ToString();
    }
}

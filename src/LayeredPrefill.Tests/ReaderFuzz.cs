using System.Text.Json.Nodes;

namespace LayeredPrefill.Tests;

/// <summary>
/// Seeded mutation of reader inputs, shared by the fuzz tests of every reader a user can point at a file (trace CSV,
/// config.json, device profile JSON): each must give a valid result or a <see cref="UserInputException"/>, never any other exception.
/// </summary>
internal static class ReaderFuzz
{
    /// <summary>True when the reader accepted the input; false on a user error; anything else fails the test, naming the seed and input.</summary>
    public static bool Outcome(int seed, string input, Action read)
    {
        try
        {
            read();
            return true;
        }
        catch (UserInputException e)
        {
            Assert.False(e.Message.Contains('\n'), $"seed {seed}: multi-line message {e.Message}");
            return false;
        }
        catch (Exception e)
        {
            Assert.Fail($"seed {seed}: {e.GetType().Name}: {e.Message}\ninput:\n{input}\n{e.StackTrace}");
            return false;
        }
    }

    /// <summary>0–4 text edits: replace a field with an odd value, insert or delete characters, duplicate, drop or swap lines, truncate.</summary>
    public static string Mutate(Random rng, string text, string[] oddFields, string alphabet)
    {
        int edits = rng.Next(0, 5);
        for (int e = 0; e < edits && text.Length > 0; e++)
        {
            int at = rng.Next(text.Length);
            switch (rng.Next(7))
            {
                case 0 when oddFields.Length > 0:
                    // Replace the field under `at` (between commas or line ends).
                    int begin = text.LastIndexOfAny([',', '\n'], at) + 1;
                    int end = text.IndexOfAny([',', '\r', '\n'], at);
                    if (end < 0) end = text.Length;
                    if (end < begin) break;
                    text = text[..begin] + oddFields[rng.Next(oddFields.Length)] + text[end..];
                    break;
                case 1: text = text.Insert(at, alphabet[rng.Next(alphabet.Length)].ToString()); break;
                case 2: text = text.Remove(at, Math.Min(rng.Next(1, 4), text.Length - at)); break;
                case 3: text = text[..at]; break;
                case 4:
                    var lines = text.Split('\n').ToList();
                    int i = rng.Next(lines.Count), j = rng.Next(lines.Count);
                    (lines[i], lines[j]) = (lines[j], lines[i]);
                    text = string.Join('\n', lines);
                    break;
                case 5:
                    var dup = text.Split('\n').ToList();
                    int k = rng.Next(dup.Count);
                    if (rng.Next(2) == 0) dup.Insert(k, dup[k]); else dup.RemoveAt(k);
                    text = string.Join('\n', dup);
                    break;
                default: text = text.Insert(at, ((char)rng.Next(0, 0x3000)).ToString()); break;
            }
        }
        return text;
    }

    private static readonly Func<Random, JsonNode?>[] OddValues =
    [
        _ => null, _ => JsonValue.Create(-1), _ => JsonValue.Create(0), _ => JsonValue.Create(1), _ => JsonValue.Create(3),
        _ => JsonValue.Create(2147483647), _ => JsonValue.Create(2147483648L), _ => JsonValue.Create(1e308), _ => JsonValue.Create(-1e-300),
        _ => JsonValue.Create(1.5), _ => JsonValue.Create(1048576), _ => JsonValue.Create(65536), _ => JsonValue.Create("bfloat16"),
        _ => JsonValue.Create("float8"), _ => JsonValue.Create("mixtral"), _ => JsonValue.Create(true), _ => new JsonArray(), _ => new JsonObject(),
        _ => new JsonArray("sliding_attention", "full_attention"), r => JsonValue.Create(r.Next(-5, 100_000)), r => JsonValue.Create(r.NextDouble()),
    ];

    /// <summary>1–3 structural edits to a JSON object: a field set to an odd value, removed, or an unknown one added.</summary>
    public static string MutateJson(Random rng, string json)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        int edits = rng.Next(1, 4);
        for (int e = 0; e < edits; e++)
        {
            var keys = root.Select(p => p.Key).ToArray();
            string key = keys[rng.Next(keys.Length)];
            var target = root;
            // Device profiles nest per-op efficiencies: reach into them too.
            if (root[key] is JsonObject inner && inner.Count > 0 && rng.Next(2) == 0)
            {
                string innerKey = inner.Select(p => p.Key).ElementAt(rng.Next(inner.Count));
                if (inner[innerKey] is JsonObject leaf && leaf.Count > 0 && rng.Next(2) == 0) { target = leaf; key = leaf.Select(p => p.Key).ElementAt(rng.Next(leaf.Count)); }
                else { target = inner; key = innerKey; }
            }
            switch (rng.Next(6))
            {
                case 0: target.Remove(key); break;
                case 1: target[$"unknown_{rng.Next(100)}"] = JsonValue.Create(1); break;
                default: target[key] = OddValues[rng.Next(OddValues.Length)](rng); break;
            }
        }
        return root.ToJsonString();
    }
}

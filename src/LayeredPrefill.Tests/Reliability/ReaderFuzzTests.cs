using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LayeredPrefill.Execution.Roofline;
using LayeredPrefill.Models;
using LayeredPrefill.Workloads;

namespace LayeredPrefill.Tests.Reliability;

/// <summary>
/// Seeded fuzzing of every reader a user can point at a file: random and mutated trace CSV, config.json and device
/// profile JSON must give a valid result or a <see cref="UserInputException"/>, never any other exception.
/// </summary>
public class ReaderFuzzTests
{
    public const int TraceInputs = 4000;
    public const int ConfigInputs = 3000;
    public const int DeviceInputs = 1500;

    private static readonly string[] OddFields =
    [
        "", " ", "-1", "0", "-0", "1.5", "1e3", "1e400", "-1e400", "NaN", "-inf", "Infinity", "∞", "9999999999", "10000001",
        "2147483648", "1,5", "0x10", "١٢", "\"12\"", "\"", "\"\"", "12 ", " 7", "+3", "1_000", "2023-11-16 18:17:03.9799600",
        "2023-13-45 25:61:00", "2023-11-16T18:17:03Z", "0001-01-01 00:00:00", "9999-12-31 23:59:59.9999999", "\0", "\uFEFF",
    ];

    private static readonly string[] Headers =
    [
        "num_prefill_tokens,num_decode_tokens", "arrived_at,num_prefill_tokens,num_decode_tokens",
        "TIMESTAMP,ContextTokens,GeneratedTokens", "num_decode_tokens,extra,num_prefill_tokens,arrived_at",
    ];

    [Fact]
    public void Random_and_mutated_traces_give_a_trace_or_a_user_error()
    {
        int valid = 0;
        for (int seed = 0; seed < TraceInputs; seed++)
        {
            var rng = new Random(seed);
            string text = Mutate(rng, ValidTrace(rng), OddFields, "\",\r\n\uFEFF-.e0123456789 ");
            if (!Outcome(seed, text, () => CheckTrace(TraceReader.Parse(text, "fuzz.csv", "fuzz"), rng))) continue;
            valid++;
        }
        // Both outcomes must be exercised, or the mutator is too weak or too strong to test anything.
        Assert.InRange(valid, TraceInputs / 20, TraceInputs - TraceInputs / 20);
    }

    [Fact]
    public void Random_and_mutated_model_configs_give_a_model_or_a_user_error()
    {
        string[] bases = ["qwen3_30b_a3b.json", "gpt_oss_20b.json", "mixtral_8x7b.json", "deepseek_v2_lite.json"];
        var texts = bases.Select(b => File.ReadAllText(Fixture.Path("configs", b))).ToArray();
        int valid = 0;
        for (int seed = 0; seed < ConfigInputs; seed++)
        {
            var rng = new Random(seed);
            string text = rng.Next(2) == 0 ? MutateJson(rng, texts[rng.Next(texts.Length)]) : Mutate(rng, texts[rng.Next(texts.Length)], [], "{}[]\":,-.e0123456789 null");
            if (Outcome(seed, text, () => CheckModel(HfConfigReader.Parse(text, "fuzz/config.json")))) valid++;
        }
        Assert.InRange(valid, ConfigInputs / 20, ConfigInputs - ConfigInputs / 20);
    }

    [Fact]
    public void Random_and_mutated_device_profiles_give_a_profile_or_a_user_error()
    {
        string text0 = File.ReadAllText(Fixture.Path("devices", "valid.json"));
        int valid = 0;
        for (int seed = 0; seed < DeviceInputs; seed++)
        {
            var rng = new Random(seed);
            string text = rng.Next(2) == 0 ? MutateJson(rng, text0) : Mutate(rng, text0, [], "{}[]\":,-.e0123456789 null");
            if (Outcome(seed, text, () => CheckDevice(DeviceProfileJson.Parse(text, "fuzz.json")))) valid++;
        }
        Assert.True(valid > 0, "no mutated device profile was valid: the mutator no longer tests the accepting path");
    }

    /// <summary>True when the reader accepted the input; false on a user error; anything else fails the test, naming the seed and input.</summary>
    private static bool Outcome(int seed, string input, Action read)
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

    private static void CheckTrace(Trace trace, Random rng)
    {
        Assert.NotEmpty(trace.Rows);
        Assert.All(trace.Rows, r => Assert.InRange(r.PromptTokens, 1, TraceReader.MaxTokens));
        Assert.All(trace.Rows, r => Assert.InRange(r.OutputTokens, 1, TraceReader.MaxTokens));
        if (trace.HasTimestamps)
        {
            Assert.All(trace.Rows, r => Assert.True(r.ArrivalSeconds is { } t && double.IsFinite(t) && t >= 0));
            Assert.Equal(trace.Rows.Select(r => r.ArrivalSeconds), trace.Rows.Select(r => r.ArrivalSeconds).Order());
        }
        // Whatever the reader accepts, the workload builder must turn into a workload or refuse cleanly.
        try
        {
            var spec = new WorkloadSpec(rng.Next(1, 50), rng.Next(2) == 0 ? null : rng.NextDouble() * 10 + 0.01, rng.NextDouble() + 0.01, rng.Next(), rng.Next(1, 40_000));
            var built = WorkloadBuilder.Build(trace, spec);
            Assert.All(built.Workload.Requests, r => Assert.True(double.IsFinite(r.ArrivalSeconds) && r.ArrivalSeconds >= 0));
        }
        catch (UserInputException)
        {
        }
    }

    private static void CheckModel(MoeModel m)
    {
        // Derived byte counts must be real sizes, not wrapped-around longs.
        Assert.True(m.TotalWeightBytes > 0, $"{m}: weights {m.TotalWeightBytes} bytes");
        Assert.True(m.ExpertBytesTotal > 0 && m.KvBytesPerToken > 0, $"{m}: experts {m.ExpertBytesTotal}, KV/token {m.KvBytesPerToken}");
    }

    private static void CheckDevice(DeviceProfile d)
    {
        Assert.True(d.MemoryBytes > 0 && d.PeakMemoryBytesPerSecond > 0 && d.PeakMatrixFlopsPerSecond > 0);
        Assert.Equal(Enum.GetValues<OpClass>().Length, d.Efficiency.Count);
    }

    private static string ValidTrace(Random rng)
    {
        string header = Headers[rng.Next(Headers.Length)];
        var columns = header.Split(',');
        var text = new StringBuilder();
        if (rng.Next(4) == 0) text.Append('\uFEFF');
        string eol = rng.Next(3) == 0 ? "\r\n" : "\n";
        text.Append(header).Append(eol);
        var start = new DateTime(2023, 11, 16, 18, 0, 0);
        int rows = rng.Next(1, 12);
        for (int i = 0; i < rows; i++)
        {
            var fields = columns.Select(c => c switch
            {
                "arrived_at" => (rng.NextDouble() * 100).ToString("R", CultureInfo.InvariantCulture),
                "TIMESTAMP" => start.AddTicks(rng.NextInt64(0, TimeSpan.TicksPerHour)).ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
                "extra" => rng.Next(2) == 0 ? "\"a, b\"" : "x",
                _ => rng.Next(1, 40_000).ToString(CultureInfo.InvariantCulture),
            });
            text.Append(string.Join(',', fields)).Append(eol);
            if (rng.Next(10) == 0) text.Append(eol);
        }
        return text.ToString();
    }

    /// <summary>0–4 text edits: replace a field with an odd value, insert or delete characters, duplicate, drop or swap lines, truncate.</summary>
    private static string Mutate(Random rng, string text, string[] oddFields, string alphabet)
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
    private static string MutateJson(Random rng, string json)
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

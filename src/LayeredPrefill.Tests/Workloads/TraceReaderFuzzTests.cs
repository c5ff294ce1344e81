using System.Globalization;
using System.Text;
using LayeredPrefill.Workloads;

namespace LayeredPrefill.Tests.Workloads;

/// <summary>Seeded fuzzing of the trace reader: random and mutated CSV gives a trace (that the workload builder takes or refuses cleanly) or a user error.</summary>
public class TraceReaderFuzzTests
{
    public const int TraceInputs = 4000;

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
            string text = ReaderFuzz.Mutate(rng, ValidTrace(rng), OddFields, "\",\r\n\uFEFF-.e0123456789 ");
            if (!ReaderFuzz.Outcome(seed, text, () => CheckTrace(TraceReader.Parse(text, "fuzz.csv", "fuzz"), rng))) continue;
            valid++;
        }
        // Both outcomes must be exercised, or the mutator is too weak or too strong to test anything.
        Assert.InRange(valid, TraceInputs / 20, TraceInputs - TraceInputs / 20);
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
}

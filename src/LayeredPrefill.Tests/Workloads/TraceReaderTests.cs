using LayeredPrefill.Workloads;
using Xunit;

namespace LayeredPrefill.Tests.Workloads;

public class TraceReaderTests
{
    private static string TraceFile(string file) => Fixture.Path("traces", file);

    [Fact]
    public void Bom_crlf_blank_lines_extra_and_reordered_columns_are_accepted()
    {
        Trace t = TraceReader.ReadFile(TraceFile("good_lengths_bom_crlf.csv"));
        Assert.Equal("good_lengths_bom_crlf", t.Name);
        Assert.False(t.HasTimestamps);
        Assert.Equal(0, t.OutOfOrderRowsSorted);
        Assert.Equal([new TraceRow(100, 10, null), new TraceRow(200, 20, null), new TraceRow(300, 30, null)], t.Rows);
    }

    [Fact]
    public void Vidur_timestamps_out_of_order_are_sorted_stably_and_counted()
    {
        Trace t = TraceReader.ReadFile(TraceFile("good_vidur_out_of_order.csv"));
        Assert.True(t.HasTimestamps);
        Assert.Equal(2, t.OutOfOrderRowsSorted);
        Assert.Equal(
            [new TraceRow(100, 10, 0.0), new TraceRow(400, 40, 1.0), new TraceRow(200, 20, 1.5),
             new TraceRow(300, 30, 1.5), new TraceRow(600, 60, 2.0), new TraceRow(500, 50, 3.25)],
            t.Rows);
    }

    [Fact]
    public void Splitwise_timestamps_become_seconds_from_the_earliest()
    {
        Trace t = TraceReader.ReadFile(TraceFile("good_splitwise.csv"));
        Assert.True(t.HasTimestamps);
        Assert.Equal(1, t.OutOfOrderRowsSorted);
        Assert.Equal([879, 374, 396, 91], t.Rows.Select(r => r.PromptTokens));
        Assert.Equal([20, 44, 109, 7], t.Rows.Select(r => r.OutputTokens));
        double[] seconds = t.Rows.Select(r => r.ArrivalSeconds!.Value).ToArray();
        double[] expected = [0.0, 0.5, 0.6, 2.5];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], seconds[i], 9);
    }

    [Theory]
    [InlineData("bad_empty.csv", 1, 1, "empty file")]
    [InlineData("bad_header.csv", 1, 1, "header lacks column 'num_prefill_tokens'")]
    [InlineData("bad_header_only.csv", 2, 1, "no data rows")]
    [InlineData("bad_type.csv", 3, 2, "num_decode_tokens must be a whole number of tokens (got 'abc')")]
    [InlineData("bad_fraction.csv", 2, 2, "num_decode_tokens must be a whole number of tokens (got '12.5')")]
    [InlineData("bad_zero_prompt.csv", 4, 1, "num_prefill_tokens must be > 0 tokens (got 0)")]
    [InlineData("bad_zero_output.csv", 2, 2, "num_decode_tokens must be > 0 tokens (got 0)")]
    [InlineData("bad_negative.csv", 3, 1, "num_prefill_tokens must be > 0 tokens (got -5)")]
    [InlineData("bad_nan.csv", 4, 2, "num_decode_tokens is not a finite number (got 'NaN')")]
    [InlineData("bad_inf_arrival.csv", 3, 1, "arrived_at is not a finite number (got 'inf')")]
    [InlineData("bad_too_large.csv", 2, 1, "num_prefill_tokens exceeds the limit of 10000000 tokens")]
    [InlineData("bad_timestamp.csv", 3, 1, "TIMESTAMP is not a timestamp")]
    [InlineData("bad_too_few_fields.csv", 3, 3, "expected 3 fields as in the header, found 2")]
    [InlineData("bad_too_many_fields.csv", 3, 3, "expected 2 fields as in the header, found 3")]
    public void Broken_files_are_refused_at_the_exact_line_and_column(string file, int line, int column, string what)
    {
        string path = TraceFile(file);
        var e = Assert.Throws<UserInputException>(() => TraceReader.ReadFile(path));
        Assert.StartsWith($"{path}:{line}:{column}: ", e.Message);
        Assert.Contains(what, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Missing_file_is_a_user_error()
    {
        var e = Assert.Throws<UserInputException>(() => TraceReader.ReadFile(TraceFile("no_such_trace.csv")));
        Assert.Contains("no_such_trace.csv", e.Message);
    }

    [Fact]
    public void Quoted_fields_and_an_unclosed_quote()
    {
        Trace t = TraceReader.Parse("num_prefill_tokens,num_decode_tokens\n\"12\",\"3\"\n", "q.csv", "q");
        Assert.Equal([new TraceRow(12, 3, null)], t.Rows);
        var e = Assert.Throws<UserInputException>(() => TraceReader.Parse("num_prefill_tokens,num_decode_tokens\n12,\"3\n", "q.csv", "q"));
        Assert.StartsWith("q.csv:2:2: unclosed double quote", e.Message);
    }

    [Fact]
    public void Random_timestamped_traces_come_back_in_time_order_with_every_row()
    {
        var random = new Random(777);
        for (int trial = 0; trial < 50; trial++)
        {
            int n = random.Next(1, 200);
            var rows = Enumerable.Range(0, n)
                .Select(_ => new TraceRow(random.Next(1, 50_000), random.Next(1, 2_000), Math.Round(random.NextDouble() * 100, 3)))
                .ToList();
            string csv = "arrived_at,num_prefill_tokens,num_decode_tokens\r\n" +
                string.Concat(rows.Select(r => FormattableString.Invariant($"{r.ArrivalSeconds},{r.PromptTokens},{r.OutputTokens}\r\n")));
            Trace t = TraceReader.Parse(csv, "r.csv", "r");
            Assert.Equal(rows.OrderBy(r => r.ArrivalSeconds), t.Rows);
            int outOfOrder = 0;
            double latest = double.NegativeInfinity;
            foreach (var r in rows)
                if (r.ArrivalSeconds < latest) outOfOrder++; else latest = r.ArrivalSeconds!.Value;
            Assert.Equal(outOfOrder, t.OutOfOrderRowsSorted);
        }
    }
}

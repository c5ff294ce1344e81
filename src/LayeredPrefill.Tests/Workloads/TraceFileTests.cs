using LayeredPrefill.Workloads;

namespace LayeredPrefill.Tests.Workloads;

/// <summary>The trace layouts users have: BurstGPT, Date/Time token counts and Mooncake / vLLM timed-trace JSONL, picked by their
/// first line (a link's target's), each held to the same row bound.</summary>
public sealed class TraceFileTests
{
    [Fact]
    public void BurstGpt_leaves_out_failed_requests_with_a_note_and_keeps_seconds()
    {
        var read = TraceFile.Read(Fixture.Path("traces", "good_burstgpt.csv"));
        Assert.Equal([472, 417, 1360, 220], read.Trace.Rows.Select(r => r.PromptTokens));
        Assert.Equal([0.0, 113, 135, 135], read.Trace.Rows.Select(r => r.ArrivalSeconds!.Value));
        Assert.Contains("left out 1 failed requests", Assert.Single(read.Notes));
    }

    [Fact]
    public void Date_and_time_columns_stamp_each_request_and_are_sorted()
    {
        var read = TraceFile.Read(Fixture.Path("traces", "good_datetime_counts.csv"));
        Assert.Empty(read.Notes);
        Assert.Equal(1, read.Trace.OutOfOrderRowsSorted);
        Assert.Equal([0.0, 0.375, 1.125, 1.875], read.Trace.Rows.Select(r => Math.Round(r.ArrivalSeconds!.Value, 6)));
        Assert.Equal([1021, 388, 77, 2410], read.Trace.Rows.Select(r => r.PromptTokens));
    }

    [Fact]
    public void Mooncake_jsonl_reads_milliseconds_and_ignores_hash_ids()
    {
        var read = TraceFile.Read(Fixture.Path("traces", "good_mooncake.jsonl"));
        Assert.True(read.Trace.HasTimestamps);
        Assert.Equal([0.0, 0, 1.5, 3.052, 3.052], read.Trace.Rows.Select(r => r.ArrivalSeconds!.Value));
        Assert.Equal([6755, 7319, 9013, 7234, 2287], read.Trace.Rows.Select(r => r.PromptTokens));
        Assert.Equal(1, read.Trace.OutOfOrderRowsSorted);
    }

    [Theory]
    [InlineData("good_mooncake.jsonl")]
    [InlineData("good_burstgpt.csv")]
    [InlineData("good_datetime_counts.csv")]
    public void A_link_to_a_trace_is_read_in_the_layout_of_the_file_it_leads_to(string fixture)
    {
        if (OperatingSystem.IsWindows()) return;
        string dir = Directory.CreateTempSubdirectory("lp-trace-link-").FullName;
        try
        {
            // Named .csv, so only the first line of the file behind the link can tell its layout.
            string link = Path.Combine(dir, "linked.csv");
            File.CreateSymbolicLink(link, Fixture.Path("traces", fixture));
            var direct = TraceFile.Read(Fixture.Path("traces", fixture), "t");
            var linked = TraceFile.Read(link, "t");
            Assert.Equal(direct.Trace.Rows, linked.Trace.Rows);
            Assert.Equal(direct.Notes.Count, linked.Notes.Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("good_mooncake.jsonl", 3)]
    [InlineData("good_burstgpt.csv", 5)]  // the failed request on line 3 is left out, not kept
    [InlineData("good_datetime_counts.csv", 4)]
    [InlineData("good_splitwise.csv", 4)]
    [InlineData("good_vidur_out_of_order.csv", 4)]
    public void Every_layout_refuses_the_row_past_the_bound_naming_it(string fixture, int line)
    {
        string path = Fixture.Path("traces", fixture);
        Assert.NotEmpty(TraceFile.Read(path, "t", maxRows: 20).Trace.Rows);
        var e = Assert.Throws<UserInputException>(() => TraceFile.Read(path, "t", maxRows: 2));
        Assert.Equal($"{path}:{line}:1: more than 2 rows (the most a trace may have; sample it first)", e.Message);
    }

    [Fact]
    public void The_csv_layouts_the_reader_knew_still_go_to_it()
    {
        var read = TraceFile.Read(Fixture.Path("traces", "good_splitwise.csv"));
        var direct = TraceReader.ReadFile(Fixture.Path("traces", "good_splitwise.csv"));
        Assert.Equal(direct.Rows, read.Trace.Rows);
        Assert.Equal(direct.OutOfOrderRowsSorted, read.Trace.OutOfOrderRowsSorted);
    }
}

using LayeredPrefill.Workloads;

namespace LayeredPrefill.Tests.Workloads;

/// <summary>The trace layouts users have: BurstGPT, Date/Time token counts and Mooncake / vLLM timed-trace JSONL, picked by their first line.</summary>
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

    [Fact]
    public void The_csv_layouts_the_reader_knew_still_go_to_it()
    {
        var read = TraceFile.Read(Fixture.Path("traces", "good_splitwise.csv"));
        var direct = TraceReader.ReadFile(Fixture.Path("traces", "good_splitwise.csv"));
        Assert.Equal(direct.Rows, read.Trace.Rows);
        Assert.Equal(direct.OutOfOrderRowsSorted, read.Trace.OutOfOrderRowsSorted);
    }
}

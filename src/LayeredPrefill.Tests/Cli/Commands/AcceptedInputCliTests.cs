namespace LayeredPrefill.Tests.Cli.Commands;

/// <summary>Inputs that look odd but are valid: the CLI must accept them (exit code 0), warning at most once.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class AcceptedInputCliTests
{
    private static CliRunner.Outcome Serve(string trace, int requests) =>
        CliRunner.Run("run", "--model", "tiny-moe", "--tp", "1", "--trace-file", Fixture.Path("traces", trace), "--requests", $"{requests}");

    [Fact]
    public void Bom_crlf_blank_lines_quoted_and_extra_columns_are_accepted_without_warnings()
    {
        var outcome = Serve("good_lengths_bom_crlf.csv", 3);
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        Assert.DoesNotContain(outcome.ErrorLines, l => l.StartsWith("warning", StringComparison.Ordinal) || l.StartsWith("error", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("good_vidur_out_of_order.csv", 4)] // equal arrived_at values and one row earlier than its predecessor
    [InlineData("good_splitwise.csv", 4)]          // date-time stamps, one out of order
    public void Out_of_order_timestamps_are_sorted_with_one_warning_line(string trace, int requests)
    {
        var outcome = Serve(trace, requests);
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        string warning = Assert.Single(outcome.ErrorLines, l => l.StartsWith("warning", StringComparison.Ordinal));
        Assert.Contains("rows had out-of-order timestamps; sorted by time", warning);
        Assert.DoesNotContain(outcome.ErrorLines, l => l.StartsWith("error", StringComparison.Ordinal));
    }

    [Fact]
    public void Output_into_a_folder_that_does_not_exist_yet_is_created_and_written_whole()
    {
        string dir = Directory.CreateTempSubdirectory("lp-accept-").FullName;
        try
        {
            string output = Path.Combine(dir, "new", "deeper", "result.json");
            var outcome = CliRunner.Run("run", "--model", "tiny-moe", "--tp", "1", "--prompt-tokens", "64", "--output-tokens", "4", "--requests", "3", "--output", output);
            Assert.True(outcome.ExitCode == 0, outcome.StdErr);
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(output));
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(output)!)); // no temporary or probe file left
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Utf16_files_with_a_byte_order_mark_lengths_as_1e3_or_plus_12_and_a_repeated_header_are_accepted()
    {
        // Issue 17's numbers as text, as the README lists them: accepted where the meaning is plain, refused otherwise (BadInputCases).
        string dir = Directory.CreateTempSubdirectory("lp-accept-text-").FullName;
        try
        {
            const string header = "arrived_at,num_prefill_tokens,num_decode_tokens\n";
            string csv = header + "0,1e3,+12\n0.5,2048.0,3\n" + header + "1.5,100,4\n";
            string utf16 = Path.Combine(dir, "windows.csv");
            File.WriteAllText(utf16, csv, System.Text.Encoding.Unicode); // PowerShell's default: UTF-16LE with a BOM
            var trace = LayeredPrefill.Workloads.TraceReader.ReadFile(utf16);
            Assert.Equal([new LayeredPrefill.Workloads.TraceRow(1000, 12, 0), new LayeredPrefill.Workloads.TraceRow(2048, 3, 0.5), new LayeredPrefill.Workloads.TraceRow(100, 4, 1.5)], trace.Rows);

            string config = Path.Combine(dir, "config.json");
            string qwen = File.ReadAllText(Fixture.Path("configs", "qwen3_30b_a3b.json")).Replace("\"hidden_size\": 2048", "\"hidden_size\": 2048.0");
            File.WriteAllText(config, qwen, System.Text.Encoding.BigEndianUnicode);
            var outcome = CliRunner.Run("run", "--model-config", config, "--layers", "2", "--tp", "1", "--trace-file", utf16, "--requests", "3");
            Assert.True(outcome.ExitCode == 0, outcome.StdErr);
            Assert.DoesNotContain(outcome.ErrorLines, l => l.StartsWith("error", StringComparison.Ordinal) || l.StartsWith("warning", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

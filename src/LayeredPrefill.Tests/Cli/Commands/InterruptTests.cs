using System.Text.Json;
using LayeredPrefill.IO;

namespace LayeredPrefill.Tests.Cli.Commands;

/// <summary>
/// Ctrl-C on the real executable: the serving loop sees System.CommandLine's cancellation token, the process exits with
/// code 130 and one "interrupted" line, every finished result is kept whole, no temporary file remains, and a sweep resumes.
/// </summary>
public class InterruptTests
{
    [Theory]
    [InlineData("run")]
    [InlineData("compare")]
    public void Sigint_during_a_run_exits_130_and_leaves_the_previous_result_and_no_temporary_file(string verb)
    {
        if (OperatingSystem.IsWindows()) return; // no SIGINT to send; Ctrl-C there goes through the console instead
        string dir = Directory.CreateTempSubdirectory("lp-interrupt-").FullName;
        try
        {
            // One over-long row makes the CLI print its "dropped" note after every check and just before serving starts:
            // that line tells the test the run is under way. 200,000 requests keep it busy for far longer than needed.
            string trace = Path.Combine(dir, "trace.csv");
            File.WriteAllText(trace, "num_prefill_tokens,num_decode_tokens\n" + string.Concat(Enumerable.Repeat("2000,400\n", 20)) + "40000,10\n");
            string output = Path.Combine(dir, "result.json");
            const string previous = "{\"previous\": \"result\"}\n";
            File.WriteAllText(output, previous);

            using var cli = new CliProcess([verb, "--trace-file", trace, "--requests", "200000", "--rate", "500", "--output", output,
                "--policies", verb == "run" ? "chunked" : "chunked,layered"], line => line.StartsWith("note:", StringComparison.Ordinal));
            InterruptOnceUnderWay(cli, "the CLI never reached the serving loop: ", "the run finished before it could be interrupted: make the workload longer");

            Assert.DoesNotContain(cli.StdErr, l => l.Contains("   at ", StringComparison.Ordinal));
            Assert.Equal(previous, File.ReadAllText(output));
            Assert.Equal(["result.json", "trace.csv"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Sigint_during_a_later_policy_of_compare_keeps_the_policies_that_finished()
    {
        if (OperatingSystem.IsWindows()) return;
        string dir = Directory.CreateTempSubdirectory("lp-interrupt-compare-").FullName;
        try
        {
            // chunked-8192 serves these 30,000 prompts in about a second; chunked-16 needs over a hundred times as many
            // iterations, so it is still serving when the first policy's "wrote" line arrives.
            string trace = Path.Combine(dir, "trace.csv");
            File.WriteAllText(trace, "num_prefill_tokens,num_decode_tokens\n" + string.Concat(Enumerable.Repeat("2000,10\n", 200)));
            string output = Path.Combine(dir, "cmp.json");
            const string previousIndex = "{\"previous\": \"index\"}\n";
            File.WriteAllText(output, previousIndex);
            string first = Path.Combine(dir, "cmp.chunked-8192.json");

            using var cli = new CliProcess(["compare", "--trace-file", trace, "--requests", "30000", "--rate", "50", "--output", output,
                "--policies", "chunked-8192,chunked-16"], line => line == $"wrote {first}");
            InterruptOnceUnderWay(cli, "the first policy never wrote its file: ", "the second policy finished before it could be interrupted: make it slower");

            using (var doc = JsonDocument.Parse(File.ReadAllText(first)))
            {
                Assert.Equal("chunked-8192", doc.RootElement.GetProperty("policy").GetString());
                Assert.Equal(30000, doc.RootElement.GetProperty("completed").GetInt32());
            }
            Assert.Equal(previousIndex, File.ReadAllText(output)); // the index names every policy, so it waits for all of them
            Assert.Equal(["cmp.chunked-8192.json", "cmp.json", "trace.csv"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Sigint_during_a_sweep_keeps_finished_points_whole_and_a_rerun_resumes_from_them()
    {
        if (OperatingSystem.IsWindows()) return;
        string dir = Directory.CreateTempSubdirectory("lp-interrupt-sweep-").FullName;
        try
        {
            // Two quick points finish at once; four slow ones (about a second or two each) are still running at Ctrl-C.
            string definition = Path.Combine(dir, "sweep.json");
            File.WriteAllText(definition, """
                {"name": "interrupted", "policies": ["chunked-512", "layered-adaptive"], "device": "h100-sxm", "tp": 1, "requests": 10,
                 "grids": [{"models": ["tiny-moe"], "traces": ["arxiv-long"], "rates": [1], "requests": 10},
                           {"models": ["tiny-moe"], "traces": ["arxiv-long"], "rates": [2, 3], "requests": 800}]}
                """);
            string results = Path.Combine(dir, "results");
            string[] args = ["sweep", "--definition", definition, "--results-dir", results, "--no-report"];
            string points = Path.Combine(results, "sweeps", "interrupted", "points");

            Dictionary<string, string> kept;
            using (var cli = new CliProcess(args, line => line.StartsWith("[1/6]", StringComparison.Ordinal)))
            {
                InterruptOnceUnderWay(cli, "no point finished: ", "the sweep finished before it could be interrupted: make the slow points slower");
                kept = Directory.GetFiles(points).ToDictionary(f => f, File.ReadAllText);
                Assert.InRange(kept.Count, 1, 5);
                Assert.All(kept.Values, text => JsonDocument.Parse(text).Dispose()); // each a whole JSON document
                AssertNoTemporaryFiles(results);
            }

            using (var rerun = new CliProcess(args, _ => false))
            {
                int code = rerun.Exit();
                Assert.True(code == 0, $"exit code {code}:\n{rerun.Transcript}");
                Assert.Contains(rerun.StdErr, l => l.Contains($"6 points, {kept.Count} already finished", StringComparison.Ordinal));
                Assert.Equal(kept.Count, rerun.StdErr.Count(l => l.TrimStart().StartsWith("resumed ", StringComparison.Ordinal)));
                Assert.Equal(6, Directory.GetFiles(points).Length);
                Assert.All(kept, p => Assert.Equal(p.Value, File.ReadAllText(p.Key))); // resumed, not recomputed
                AssertNoTemporaryFiles(results);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void AssertNoTemporaryFiles(string folder) =>
        Assert.DoesNotContain(Directory.GetFiles(folder, "*", SearchOption.AllDirectories), f => AtomicFile.IsTemporary(Path.GetFileName(f)));

    /// <summary>Waits for the trigger line, sends Ctrl-C while the work is still running, and checks the exit it promises: 130 and one "interrupted" line.</summary>
    private static void InterruptOnceUnderWay(CliProcess cli, string neverStarted, string finishedFirst)
    {
        Assert.True(cli.WaitFor(), neverStarted + cli.Transcript);
        Assert.False(cli.HasExited, finishedFirst);
        cli.Interrupt();
        int code = cli.Exit();
        Assert.True(code == 130, $"exit code {code}:\n{cli.Transcript}");
        Assert.Contains(cli.StdErr, l => l.StartsWith("interrupted", StringComparison.Ordinal));
    }
}

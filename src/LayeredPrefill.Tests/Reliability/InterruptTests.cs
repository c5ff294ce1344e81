using System.Diagnostics;
using System.Runtime.InteropServices;

namespace LayeredPrefill.Tests.Reliability;

/// <summary>
/// Ctrl-C on the real executable: the serving loop sees System.CommandLine's cancellation token, the process exits with
/// code 130 and one "interrupted" line, a result file from before is left byte for byte, and no temporary file remains.
/// </summary>
public class InterruptTests
{
    private const int SigInt = 2;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

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

            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "layered-prefill.dll"), verb, "--trace-file", trace,
                         "--requests", "200000", "--rate", "500", "--output", output, "--policies", verb == "run" ? "chunked" : "chunked,layered" })
                start.ArgumentList.Add(arg);

            using var process = Process.Start(start)!;
            var stderr = new List<string>();
            var started = new ManualResetEventSlim();
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (stderr) stderr.Add(e.Data);
                if (e.Data.StartsWith("note:", StringComparison.Ordinal)) started.Set();
            };
            process.BeginErrorReadLine();
            _ = process.StandardOutput.ReadToEndAsync();

            bool sawStart = started.Wait(TimeSpan.FromMinutes(2));
            if (!sawStart) process.Kill();
            Assert.True(sawStart, "the CLI never reached the serving loop: " + string.Join("\n", stderr));
            Assert.False(process.HasExited, "the run finished before it could be interrupted: make the workload longer");
            Assert.Equal(0, kill(process.Id, SigInt));
            if (!process.WaitForExit(TimeSpan.FromMinutes(2))) { process.Kill(); Assert.Fail("the CLI ignored SIGINT"); }
            process.WaitForExit(); // drains the redirected streams

            string[] lines;
            lock (stderr) lines = stderr.ToArray();
            Assert.True(process.ExitCode == 130, $"exit code {process.ExitCode}; stderr:\n{string.Join("\n", lines)}");
            Assert.Contains(lines, l => l.StartsWith("interrupted", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.Contains("   at ", StringComparison.Ordinal));
            Assert.Equal(previous, File.ReadAllText(output));
            Assert.Equal(["result.json", "trace.csv"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

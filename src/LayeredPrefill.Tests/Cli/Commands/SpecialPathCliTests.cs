using System.Text.Json;
using LayeredPrefill.IO;
using LayeredPrefill.Tests.IO;

namespace LayeredPrefill.Tests.Cli.Commands;

/// <summary>
/// Special paths given to the real CLI (issue 17): --output onto a device, a FIFO, /dev/stdout, a full file system, a file in
/// someone else's sticky folder; traces that are devices or FIFOs without a writer. Each is written through or refused
/// in one line with exit code 2, never replaced, never half-written, never hung.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class SpecialPathCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lp-special-").FullName;

    public void Dispose()
    {
        SpecialFiles.Run("umount", Path.Combine(_dir, "small"));
        Directory.Delete(_dir, recursive: true);
    }

    private static string[] Tiny(params string[] extra) =>
        ["run", "--model", "tiny-moe", "--tp", "1", "--prompt-tokens", "64", "--output-tokens", "4", "--requests", "3", .. extra];

    private static void AssertOneErrorLine(CliRunner.Outcome outcome, string expected)
    {
        Assert.True(outcome.ExitCode == 2, $"exit code {outcome.ExitCode}:\n{outcome.StdErr}");
        Assert.DoesNotContain("   at ", outcome.StdErr);
        string error = Assert.Single(outcome.ErrorLines, l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Equal(error, outcome.ErrorLines[^1]);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void Output_onto_dev_full_is_one_line_and_the_device_stays()
    {
        if (!OperatingSystem.IsLinux()) return;
        var outcome = CliRunner.Run(Tiny("--output", "/dev/full"));
        AssertOneErrorLine(outcome, "error: cannot write '/dev/full': no space left on device");
        Assert.Equal(FileKind.CharacterDevice, FileStat.Of("/dev/full", followLinks: false).Kind);
    }

    [Fact]
    public void Output_to_dev_stdout_goes_down_the_pipe_and_the_link_stays()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var cli = new CliProcess(Tiny("--output", "/dev/stdout"), _ => false);
        Assert.True(cli.Exit() == 0, cli.Transcript);
        var stdout = cli.StdOut;
        int start = Array.FindIndex(stdout, l => l == "{");
        Assert.True(start >= 0, "no JSON on stdout:\n" + cli.Transcript);
        // The result is written as the policy finishes, before the summary table: the document ends at its top-level '}'.
        int end = Array.FindIndex(stdout, start, l => l == "}");
        Assert.True(end > start, "the JSON on stdout never closes:\n" + cli.Transcript);
        using var doc = JsonDocument.Parse(string.Join("\n", stdout[start..(end + 1)]));
        Assert.Equal("layered-prefill", doc.RootElement.GetProperty("tool").GetString());
        Assert.Equal(FileKind.SymbolicLink, FileStat.Of("/dev/stdout", followLinks: false).Kind);
    }

    [Fact]
    public void Output_to_dev_stdout_redirected_to_a_file_keeps_the_table_and_one_whole_document()
    {
        if (!OperatingSystem.IsLinux()) return;
        string file = Path.Combine(_dir, "printed.txt");
        // As a shell runs `layered-prefill run ... --output /dev/stdout > file`: stdout is the file, opened by the shell.
        using var cli = new CliProcess(Tiny("--output", "/dev/stdout"), _ => false, ["/bin/sh", "-c", $"exec \"$0\" \"$@\" > '{file}'"]);
        Assert.True(cli.Exit() == 0, cli.Transcript);
        // Reopening /proc/self/fd/1 would have written the document at offset 0, and the table over its start.
        string[] lines = File.ReadAllLines(file);
        int start = Array.IndexOf(lines, "{");
        int end = Array.IndexOf(lines, "}", Math.Max(start, 0));
        Assert.True(start >= 0 && end > start, "no whole JSON document in the file:\n" + string.Join("\n", lines));
        Assert.Equal(1, lines.Count(l => l == "{"));
        using var doc = JsonDocument.Parse(string.Join("\n", lines[start..(end + 1)]));
        Assert.Equal("layered-prefill", doc.RootElement.GetProperty("tool").GetString());
        // The console table follows the document, whole.
        string table = string.Join("\n", lines[(end + 1)..]);
        Assert.Contains("TTFT mean (ms)", table);
    }

    [Fact]
    public void Output_to_a_fifo_nobody_reads_is_one_line_and_the_fifo_stays()
    {
        if (!OperatingSystem.IsLinux()) return;
        string fifo = Path.Combine(_dir, "out.fifo");
        SpecialFiles.Fifo(fifo);
        AssertOneErrorLine(CliRunner.Run(Tiny("--output", fifo)), "it is a FIFO that no process is reading");
        Assert.Equal(FileKind.Fifo, FileStat.Of(fifo, followLinks: false).Kind);
    }

    [Fact]
    public void A_full_file_system_during_the_write_is_one_line_and_nothing_half_written()
    {
        string small = Path.Combine(_dir, "small");
        Directory.CreateDirectory(small);
        string output = Path.Combine(small, "result.json");
        // A real full disk where this machine lets the test mount one (root, as CI is): a 64 KiB tmpfs, a result of ~1 MB.
        bool mounted = SpecialFiles.IsRoot && SpecialFiles.Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", small).Code == 0;
        if (mounted)
        {
            File.WriteAllText(output, "previous\n");
            var outcome = CliRunner.Run("run", "--model", "tiny-moe", "--tp", "1", "--prompt-tokens", "64", "--output-tokens", "4", "--requests", "400",
                "--timelines", "--output", output);
            AssertOneErrorLine(outcome, "no space left on device");
            Assert.Contains("nothing was written", outcome.ErrorLines[^1]);
            Assert.Equal("previous\n", File.ReadAllText(output));
            Assert.Equal(["result.json"], Directory.GetFiles(small).Select(Path.GetFileName));
            return;
        }
        // No mount here: the same path is taken by a write stream failing with ENOSPC (AtomicFileTests) and by /dev/full above.
        File.WriteAllText(output, "previous\n");
        Assert.Throws<UserInputException>(() => AtomicFile.Write(output, s => { s.Write(new byte[1 << 16]); throw new IOException("No space left on device", 28); }));
        Assert.Equal("previous\n", File.ReadAllText(output));
        Assert.Equal(["result.json"], Directory.GetFiles(small).Select(Path.GetFileName));
    }

    [Fact]
    public void Someone_elses_file_in_a_sticky_folder_is_refused_before_the_work()
    {
        // The kernel lets root replace any file, so the refusal is seen as another user: the CLI run as nobody through setpriv.
        if (OperatingSystem.IsWindows()) return;
        if (!SpecialFiles.IsRoot || SpecialFiles.Run("setpriv", "--version").Code != 0)
        {
            var tmp = FileStat.Of("/tmp");
            Assert.True(tmp.Sticky || !OperatingSystem.IsLinux(), "/tmp is sticky on every Linux");
            return; // the rule itself is held by AtomicFileTests.Immutable_append_only_and_sticky_rules_decide_before_the_work
        }
        string sticky = Path.Combine(_dir, "sticky");
        Directory.CreateDirectory(sticky);
        File.SetUnixFileMode(sticky, (UnixFileMode)0x3ff | UnixFileMode.StickyBit); // 1777, as /tmp
        File.SetUnixFileMode(_dir, (UnixFileMode)0x1ed); // 0755, so that nobody can reach the sticky folder
        string output = Path.Combine(sticky, "result.json");
        File.WriteAllText(output, "root's\n");
        var (cliFolder, copied) = CliFolderReadableByAll();
        try
        {
            using var cli = new CliProcess(Tiny("--output", output), _ => false,
                ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp"], cliFolder);
            int code = cli.Exit();
            Assert.True(code == 2, $"exit code {code}:\n{cli.Transcript}");
            Assert.Equal($"error: --output: cannot write '{output}': it belongs to another user (uid 0) in the sticky folder '{sticky}', so it cannot be replaced", Assert.Single(cli.StdErr));
            Assert.Equal("root's\n", File.ReadAllText(output));
        }
        finally
        {
            if (copied) Directory.Delete(cliFolder, recursive: true);
        }
    }

    [Fact]
    public void A_fifo_trace_with_no_writer_reads_as_empty_instead_of_hanging()
    {
        if (!OperatingSystem.IsLinux()) return;
        string fifo = Path.Combine(_dir, "trace.fifo");
        SpecialFiles.Fifo(fifo);
        using var cli = new CliProcess(["run", "--model", "tiny-moe", "--tp", "1", "--trace-file", fifo], _ => false);
        int code = cli.Exit();
        Assert.True(code == 2, $"exit code {code}:\n{cli.Transcript}");
        Assert.Equal($"error: {fifo}:1:1: empty file (expected a header such as num_prefill_tokens,num_decode_tokens)", Assert.Single(cli.StdErr));
    }

    [Fact]
    public void Random_bytes_as_a_trace_are_refused_in_one_line_naming_the_bound_or_the_byte()
    {
        if (!OperatingSystem.IsLinux()) return;
        var outcome = CliRunner.Run("run", "--model", "tiny-moe", "--tp", "1", "--trace-file", "/dev/urandom");
        AssertOneErrorLine(outcome, "error: /dev/urandom:");
        Assert.Matches("(NUL byte|invalid UTF-8|line is longer than|header)", outcome.ErrorLines[^1]);
    }

    [Fact]
    public void Files_larger_than_their_bound_are_refused_by_size_before_a_byte_is_read()
    {
        // A 1.2 GB model.safetensors passed as a config, a 5 GB trace: sparse files, so the test writes nothing to disk.
        string weights = Path.Combine(_dir, "model.safetensors"), trace = Path.Combine(_dir, "huge.csv");
        using (var f = File.Create(weights)) f.SetLength(1_200_000_000);
        using (var f = File.Create(trace)) f.SetLength(5L << 30);
        AssertOneErrorLine(CliRunner.Run("run", "--model-config", weights), "it is 1,200,000,000 bytes, more than the 16,777,216 allowed");
        AssertOneErrorLine(CliRunner.Run("run", "--trace-file", trace), "it is 5,368,709,120 bytes, more than the 4,294,967,296 allowed");
    }

    [Fact]
    public void A_run_that_serves_none_of_its_requests_says_why()
    {
        var outcome = CliRunner.Run("run", "--gpu-memory-utilization", "0.76", "--tp", "1", "--prompt-tokens", "20000", "--requests", "3");
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        string warning = Assert.Single(outcome.ErrorLines, l => l.StartsWith("warning:", StringComparison.Ordinal));
        Assert.Contains("3 of 3 requests were rejected at arrival", warning);
        Assert.Contains("raise --gpu-memory-utilization or --tp", warning);
    }

    // setpriv's user must read the CLI: the build folder when every folder above it lets others in, else a copy in /tmp.
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static (string Folder, bool Copied) CliFolderReadableByAll()
    {
        string folder = AppContext.BaseDirectory.TrimEnd('/');
        bool open = true;
        for (var d = new DirectoryInfo(folder); d is not null; d = d.Parent)
            open &= (File.GetUnixFileMode(d.FullName) & UnixFileMode.OtherExecute) != 0;
        if (open) return (folder, false);
        string copy = Path.Combine(Path.GetTempPath(), $"lp-cli-{Environment.ProcessId}-{Guid.NewGuid():N}");
        SpecialFiles.Run("cp", "-r", folder, copy);
        SpecialFiles.Run("chmod", "-R", "a+rX", copy);
        return (copy, true);
    }
}

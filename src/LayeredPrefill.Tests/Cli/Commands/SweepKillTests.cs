using LayeredPrefill.IO;
using LayeredPrefill.Sweeps;
using Xunit.Abstractions;

namespace LayeredPrefill.Tests.Cli.Commands;

/// <summary>
/// Issue 17's hard kills and two writers, on the real executable: a sweep SIGKILLed at seeded random moments never leaves
/// a partial or corrupt point file, and the rerun resumes to the same bytes as an uninterrupted sweep; a second sweep on
/// the same results folder is refused in one line naming the first one's pid, and the first finishes untouched.
/// </summary>
public sealed class SweepKillTests(ITestOutputHelper output) : IDisposable
{
    private const int Kills = 20;
    private readonly string _dir = Directory.CreateTempSubdirectory("lp-kill-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Twelve small points (tiny-moe, three policies, four rates): long enough to be killed mid-way, short enough for CI.
    private string Definition(int requests)
    {
        string path = Path.Combine(_dir, $"kill-{requests}.json");
        File.WriteAllText(path, $$"""
            {"name": "kill", "policies": ["chunked-256", "layered-adaptive", "prefill-first"], "tp": 1, "requests": {{requests}},
             "models": ["tiny-moe"], "traces": ["arxiv-long"], "rates": [1, 2, 4, 8]}
            """);
        return path;
    }

    private static string[] Args(string definition, string results) => ["sweep", "--definition", definition, "--results-dir", results, "--no-report"];

    private static string Points(string results) => Path.Combine(results, "sweeps", "kill", "points");

    private static Dictionary<string, byte[]> Files(string results) =>
        Directory.GetFiles(Path.Combine(results, "sweeps", "kill"), "*", SearchOption.AllDirectories)
            .Where(f => !AtomicFile.IsTemporary(Path.GetFileName(f)) && Path.GetFileName(f) != ".lock")
            .ToDictionary(f => Path.GetRelativePath(results, f), File.ReadAllBytes);

    private static int RunToEnd(string[] args, out string transcript)
    {
        using var cli = new CliProcess(args, _ => false);
        int code = cli.Exit();
        transcript = cli.Transcript;
        return code;
    }

    [Fact]
    public void Sigkill_at_random_moments_never_leaves_a_partial_point_and_the_rerun_gives_the_uninterrupted_bytes()
    {
        if (OperatingSystem.IsWindows()) return;
        string definition = Definition(150);
        string whole = Path.Combine(_dir, "whole"), killed = Path.Combine(_dir, "killed");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(RunToEnd(Args(definition, whole), out string t) == 0, t);
        double seconds = watch.Elapsed.TotalSeconds;
        var expected = Files(whole);
        Assert.Equal(15, expected.Count); // 12 points, definition.json, summary.csv and index.json

        var random = new Random(17);
        int kills = 0, finishedFirst = 0, maxSeen = 0;
        // Until 20 kills have hit a running sweep (a run that had already finished does not count; 100 runs at most).
        for (int run = 0; kills < Kills && run < 100; run++)
        {
            using (var cli = new CliProcess(Args(definition, killed), _ => false))
            {
                // Seeded delays over the run's length: kills land in start-up, in points and between saves.
                Thread.Sleep(TimeSpan.FromSeconds(random.NextDouble() * seconds * 0.9));
                if (cli.HasExited) finishedFirst++;
                else kills++;
                cli.HardKill();
                cli.Exit();
            }
            if (!Directory.Exists(Points(killed))) continue;
            foreach (string file in Directory.GetFiles(Points(killed)))
            {
                if (AtomicFile.IsTemporary(Path.GetFileName(file))) continue; // a killed writer's hidden temporary: resume removes it
                string text = File.ReadAllText(file);
                var point = PointResult.Parse(text, file); // whole and a point, or this throws
                Assert.Equal(expected[Path.GetRelativePath(killed, file)], File.ReadAllBytes(file));
                Assert.False(string.IsNullOrEmpty(point.Key));
            }
            maxSeen = Math.Max(maxSeen, Directory.GetFiles(Points(killed)).Count(f => !AtomicFile.IsTemporary(Path.GetFileName(f))));
            // A run that finished clears the folder for the next kill, so that every kill has work to interrupt.
            if (maxSeen == 12) { Directory.Delete(killed, recursive: true); maxSeen = 0; }
        }
        Assert.Equal(Kills, kills);
        Assert.True(RunToEnd(Args(definition, killed), out t) == 0, t);
        var resumed = Files(killed);
        Assert.Equal(expected.Keys.Order(), resumed.Keys.Order());
        foreach (var (file, bytes) in expected) Assert.True(bytes.SequenceEqual(resumed[file]), $"{file} differs after {Kills} kills and a resume");
        Assert.DoesNotContain(Directory.GetFiles(Points(killed)), f => AtomicFile.IsTemporary(Path.GetFileName(f)));
        output.WriteLine($"{kills} SIGKILLs of a running {seconds:F1} s sweep (and {finishedFirst} runs that finished before their kill); every point file seen was whole; the resume matched the uninterrupted bytes");
    }

    [Fact]
    public void A_second_sweep_on_the_same_folder_is_refused_in_one_line_and_the_first_finishes_whole()
    {
        if (OperatingSystem.IsWindows()) return;
        string definition = Definition(400);
        string results = Path.Combine(_dir, "shared"), alone = Path.Combine(_dir, "alone");
        using var first = new CliProcess(Args(definition, results), line => line.StartsWith("sweep 'kill':", StringComparison.Ordinal));
        Assert.True(first.WaitFor(), "the first sweep never started: " + first.Transcript);
        Assert.False(first.HasExited, "the first sweep finished before the second started: make its points longer");

        using (var second = new CliProcess(Args(definition, results), _ => false))
        {
            int code = second.Exit();
            Assert.True(code == 2, $"exit code {code}:\n{second.Transcript}");
            string line = Assert.Single(second.StdErr);
            Assert.Matches(@"^error: sweep 'kill': process \d+ is running it \(lock file .*\.lock\); wait for it to finish, or use another --name$", line);
            Assert.Empty(second.StdOut);
        }
        Assert.True(first.Exit() == 0, first.Transcript);
        Assert.True(RunToEnd(Args(definition, alone), out string t) == 0, t);
        var a = Files(alone);
        var b = Files(results);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var (file, bytes) in a) Assert.True(bytes.SequenceEqual(b[file]), $"{file} differs from a sweep run alone");
        output.WriteLine("the second sweep was refused with one line naming the first's pid; the first finished with the bytes of a sweep run alone");
    }

    [Fact]
    public void A_refused_rerun_prints_its_one_error_line_and_no_header()
    {
        string definition = Definition(5);
        string results = Path.Combine(_dir, "rerun");
        Assert.True(RunToEnd(Args(definition, results), out string t) == 0, t);
        File.WriteAllText(definition, File.ReadAllText(definition).Replace("\"tp\": 1", "\"tp\": 2"));
        using var cli = new CliProcess(Args(definition, results), _ => false);
        Assert.True(cli.Exit() == 2, cli.Transcript);
        Assert.StartsWith("error: sweep 'kill': its finished points", Assert.Single(cli.StdErr));
        Assert.Empty(cli.StdOut);
    }
}

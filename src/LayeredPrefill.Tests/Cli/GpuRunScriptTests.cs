using System.Text.RegularExpressions;
using LayeredPrefill.Cli.Commands;

namespace LayeredPrefill.Tests.Cli;

/// <summary>
/// The GPU call script runs where no .NET SDK is and device time is scarce: a renamed option found there costs
/// a whole call. Every verb line of scripts/gpu/run.sh must parse against the same command tree the binary builds.
/// </summary>
public sealed partial class GpuRunScriptTests
{
    // The shell variables the verb lines use, with a value each; a line using another one fails the test.
    private static readonly Dictionary<string, string> Variables = new() { ["out"] = "out", ["n"] = "32" };

    private static List<string> Lines()
    {
        string script = File.ReadAllText(Path.Combine(Fixture.RepositoryRoot(), "scripts", "gpu", "run.sh"));
        string joined = script.Replace("\\\n", " ");
        return VerbLine().Matches(joined).Select(m => m.Groups["args"].Value.Trim()).ToList();
    }

    public static TheoryData<string> VerbLines() => new(Lines());

    [Fact]
    public void The_script_has_a_verb_line_for_every_stage_that_runs_the_binary()
    {
        var verbs = Lines().Select(line => line.Split(' ')[0]).ToHashSet();
        Assert.Superset(new HashSet<string> { "selftest", "decode-bench", "gpu-moe-bench", "compare", "calibrate" }, verbs);
    }

    [Theory]
    [MemberData(nameof(VerbLines))]
    public void Every_verb_line_parses(string line)
    {
        string[] args = Expand(line);
        var parse = CliRoot.Create().Parse(args);
        Assert.True(parse.Errors.Count == 0, $"{line}\n  -> {string.Join("; ", parse.Errors.Select(e => e.Message))}");
    }

    private static string[] Expand(string line)
    {
        string withDefaults = DefaultedVariable().Replace(line, m => m.Groups["default"].Value);
        string expanded = PlainVariable().Replace(withDefaults, m =>
            Variables.TryGetValue(m.Groups["name"].Value, out string? value)
                ? value
                : throw new InvalidOperationException($"run.sh uses ${m.Groups["name"].Value}, which this test gives no value: {line}"));
        return expanded.Replace("\"", "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    // "$A <verb> ..." up to the redirect or pipe that sends its output to the log.
    [GeneratedRegex(@"\$A (?<args>[^|\n]*?)(?: 2>&1|\||\n| ;;)")]
    private static partial Regex VerbLine();

    [GeneratedRegex(@"\$\{\w+:-(?<default>[^}]*)\}")]
    private static partial Regex DefaultedVariable();

    [GeneratedRegex(@"\$(?<name>\w+)")]
    private static partial Regex PlainVariable();
}

using System.Text;

namespace LayeredPrefill.Tests.Cli.Commands;

/// <summary>Runs the real CLI on every <see cref="BadInputCases"/> entry: exit code 2, one line on stderr naming the place, no stack trace.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class BadInputCliTests : IDisposable
{
    private const string TableBegin = "<!-- bad-input-table:begin -->";
    private const string TableEnd = "<!-- bad-input-table:end -->";

    private readonly string _tmp = Directory.CreateTempSubdirectory("lp-badinput-").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    public static TheoryData<BadInputCase> Cases() => new(BadInputCases.All);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_is_refused_with_one_line_naming_the_place_and_exit_code_2(BadInputCase c)
    {
        var outcome = Run(c);
        Assert.True(outcome.ExitCode == 2, $"exit code {outcome.ExitCode}; stderr:\n{outcome.StdErr}");
        Assert.DoesNotContain("   at ", outcome.StdErr);
        string line = Assert.Single(outcome.ErrorLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains(c.Names, line);
    }

    [Fact]
    public void Every_case_is_distinct()
    {
        Assert.Equal(BadInputCases.All.Count, BadInputCases.All.Select(c => c.Input).Distinct().Count());
        Assert.Equal(BadInputCases.All.Count, BadInputCases.All.Select(c => string.Join(" ", c.Args)).Distinct().Count());
    }

    [Fact]
    public void Readme_bad_input_table_is_the_case_list_with_the_messages_it_gets()
    {
        var table = new StringBuilder();
        table.AppendLine(TableBegin);
        table.AppendLine("| input | command | message (stderr, exit code 2) |");
        table.AppendLine("|---|---|---|");
        foreach (var c in BadInputCases.All)
        {
            string message = Assert.Single(Run(c).ErrorLines);
            table.AppendLine($"| {c.Input} | `{c.Tool} {Cell(string.Join(" ", c.Args.Select(Quote)))}` | {Cell(Display(message))} |");
        }
        table.Append(TableEnd);

        string readme = Path.Combine(Fixture.RepositoryRoot(), "docs", "bad-input.md");
        string text = File.ReadAllText(readme);
        int begin = text.IndexOf(TableBegin, StringComparison.Ordinal), end = text.IndexOf(TableEnd, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"docs/bad-input.md lacks the bad-input table markers {TableBegin}... and {TableEnd}");
        string current = text[begin..(end + TableEnd.Length)].ReplaceLineEndings("\n");
        string expected = table.ToString().ReplaceLineEndings("\n");
        if (current != expected && Environment.GetEnvironmentVariable("UPDATE_README") == "1")
        {
            File.WriteAllText(readme, text[..begin] + expected + text[(end + TableEnd.Length)..]);
            return;
        }
        Assert.True(current == expected, "docs/bad-input.md's table is stale; rerun this test with UPDATE_README=1 to rewrite it. Expected:\n" + expected);
    }

    private CliRunner.Outcome Run(BadInputCase c)
    {
        foreach (var (name, text) in c.Files ?? []) File.WriteAllText(Path.Combine(_tmp, name), text);
        foreach (var (name, bytes) in c.RawFiles ?? []) File.WriteAllBytes(Path.Combine(_tmp, name), bytes);
        return CliRunner.RunTool(c.Tool, c.Args.Select(a => a.Replace("{fx}", Fixture.Path()).Replace("{tmp}", _tmp).Replace("{repo}", Fixture.RepositoryRoot())).ToArray());
    }

    // Paths in messages are shown as typed in the table: {fx} as Fixtures, {tmp} as the current folder.
    private string Display(string message) =>
        message.Replace(Fixture.Path(), "{fx}").Replace(Fixture.RepositoryRoot() + "/", "").Replace(_tmp + "/", "").Replace(_tmp, ".").Replace(Environment.ProcessId.ToString(), "PID");

    private static string Quote(string arg) => arg.Length == 0 ? "''" : arg.Contains(' ') ? $"'{arg}'" : arg;

    private static string Cell(string text) => text.Replace("|", "\\|");
}

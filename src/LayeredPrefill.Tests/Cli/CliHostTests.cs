using System.CommandLine;
using LayeredPrefill.Cli;

namespace LayeredPrefill.Tests.Cli;

/// <summary>The host's safety net: a verb that forgets <see cref="CliHost.Guard"/> still refuses bad input in one line.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class CliHostTests
{
    private static (int Code, string StdErr) Invoke(Func<int> body, bool async)
    {
        var verb = new Command("verb", "test");
        if (async) verb.SetAction((_, _) => Task.Run(body));
        else verb.SetAction(_ => body());
        var root = new RootCommand("test") { verb };
        var stderr = new StringWriter();
        var old = Console.Error;
        Console.SetError(stderr);
        try
        {
            return (CliHost.InvokeAsync(root, ["verb"]).GetAwaiter().GetResult(), stderr.ToString());
        }
        finally
        {
            Console.SetError(old);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Unguarded_user_error_is_one_line_and_exit_code_2(bool async)
    {
        var (code, stderr) = Invoke(() => throw new UserInputException("--tokens: '0' is not a positive integer"), async);
        Assert.Equal(2, code);
        Assert.Equal("error: --tokens: '0' is not a positive integer", stderr.Trim());
    }

    [Fact]
    public void Unguarded_cancellation_is_exit_code_130()
    {
        var (code, stderr) = Invoke(() => throw new OperationCanceledException(), async: true);
        Assert.Equal(130, code);
        Assert.StartsWith("interrupted", stderr.Trim());
    }

    [Fact]
    public void A_bug_keeps_its_stack_trace_and_exit_code_1()
    {
        var (code, stderr) = Invoke(() => throw new InvalidOperationException("a bug"), async: false);
        Assert.Equal(1, code);
        Assert.Contains("a bug", stderr);
        Assert.Contains("   at ", stderr);
    }
}

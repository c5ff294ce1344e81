using System.Reflection;

namespace LayeredPrefill.Tests.Cli;

/// <summary>Runs the real CLI entry point (the compiled Program's Main) in-process, capturing stdout and stderr.</summary>
/// <remarks>Console redirection is process-wide, so every test that uses this runs in the non-parallel <see cref="ConsoleCollection"/>.</remarks>
internal static class CliRunner
{
    private static MethodInfo EntryPoint(string tool) =>
        (tool == "layered-prefill" ? typeof(LayeredPrefill.Cli.CliHost).Assembly : Assembly.Load(tool)).EntryPoint
        ?? throw new InvalidOperationException($"{tool} has no entry point");

    public sealed record Outcome(int ExitCode, string StdOut, string StdErr)
    {
        /// <summary>Non-empty stderr lines.</summary>
        public string[] ErrorLines => StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public static Outcome Run(params string[] args) => RunTool("layered-prefill", args);

    /// <summary>Runs <paramref name="tool"/> (an executable assembly the tests reference) with <paramref name="args"/>.</summary>
    public static Outcome RunTool(string tool, string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        TextWriter oldOut = Console.Out, oldErr = Console.Error;
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            object? result = EntryPoint(tool).Invoke(null, [args]);
            int code = result switch
            {
                int i => i,
                Task<int> t => t.GetAwaiter().GetResult(),
                _ => throw new InvalidOperationException($"unexpected entry point result {result}"),
            };
            return new Outcome(code, stdout.ToString(), stderr.ToString());
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            // An escaping exception is what a user would see as a crash: report it as exit code 1 with its trace.
            return new Outcome(1, stdout.ToString(), stderr + e.InnerException.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }
}

/// <summary>Tests that redirect the process-wide console run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "console";
}

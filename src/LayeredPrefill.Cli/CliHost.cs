using System.CommandLine;
using LayeredPrefill;

namespace LayeredPrefill.Cli;

/// <summary>Turns user errors into one line and exit code 2; bugs keep their stack trace (exit 1).</summary>
internal static class CliHost
{
    /// <summary>Exit code for bad input.</summary>
    public const int BadInput = 2;

    /// <summary>Exit code after Ctrl-C (128 + SIGINT).</summary>
    public const int Interrupted = 130;

    public static async Task<int> InvokeAsync(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine($"error: {parse.Errors[0].Message} (see --help)");
            return BadInput;
        }
        return await parse.InvokeAsync();
    }

    /// <summary>Runs a verb's body, mapping <see cref="UserInputException"/> to one line on stderr and exit code 2.</summary>
    public static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (UserInputException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted: nothing half-written; finished results are kept");
            return Interrupted;
        }
    }
}

using System.CommandLine;
using LayeredPrefill;
using LayeredPrefill.IO;

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
            // "Required command was not provided" comes first for a misspelled verb; the unrecognised token says more.
            var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
            Console.Error.WriteLine(Echo.Line($"error: {error.Message} (see --help)"));
            return BadInput;
        }
        // After Ctrl-C, System.CommandLine waits this long for the action to stop on its token before it gives up and
        // returns 130 itself; the serving loop stops within one iteration, so this only guards a slow final write.
        // Verbs guard their bodies; this catches what one forgets to. System.CommandLine's own handler would print
        // a user error with its stack trace and exit 1, so it is off and the mapping below is the only one.
        var configuration = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30), EnableDefaultExceptionHandler = false };
        try
        {
            return await parse.InvokeAsync(configuration);
        }
        catch (Exception e) when (e is UserInputException or OperationCanceledException)
        {
            return Guard(() => throw e);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"Unhandled exception: {e}");
            return 1;
        }
    }

    /// <summary>Runs a long verb's body on the thread pool, guarded as <see cref="Guard"/> does.</summary>
    /// <remarks>
    /// System.CommandLine installs its SIGINT handler (which cancels the action's token) only once the action has
    /// returned its Task. A body that runs synchronously inside the action therefore runs with no handler, and Ctrl-C
    /// kills the process outright, mid-write. Returning the Task at once lets the handler cancel the token instead.
    /// </remarks>
    public static Task<int> GuardAsync(Func<int> body) => Task.Run(() => Guard(body));

    /// <summary>Runs a verb's body, mapping <see cref="UserInputException"/> to one line on stderr and exit code 2.</summary>
    public static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (UserInputException e)
        {
            // One line whatever the message quotes (a JSON excerpt may span lines), with control characters escaped.
            Console.Error.WriteLine(Echo.Line($"error: {e.Message}"));
            return BadInput;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted: nothing half-written; finished results are kept");
            return Interrupted;
        }
    }
}

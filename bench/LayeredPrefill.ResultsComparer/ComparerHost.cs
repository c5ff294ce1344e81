namespace LayeredPrefill.ResultsComparer;

/// <summary>Maps bad input to one line on stderr and exit code 2.</summary>
internal static class ComparerHost
{
    public const int BadInput = 2;

    public static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (UserInputException e)
        {
            Console.Error.WriteLine(LayeredPrefill.IO.Echo.Line($"error: {e.Message}"));
            return BadInput;
        }
    }
}

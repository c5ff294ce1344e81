using LayeredPrefill.IO;

namespace LayeredPrefill.Cli.Options;

/// <summary>
/// The one parser of a comma-separated list of counts (token counts, batch sizes): plain invariant integers in
/// [1, max], at most 64 of them, each bad entry refused in one line that names the option and echoes the entry.
/// </summary>
internal static class CountList
{
    private const int MaxEntries = 64;

    /// <param name="noun">What one count is, for the empty-list message ("token count").</param>
    /// <param name="max">The largest count accepted.</param>
    /// <param name="maxReason">Why, after "exceeds" ("the 65536 tokens one expert pass is benchmarked at").</param>
    public static int[] Parse(string text, string option, string noun, int max, string maxReason)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw new UserInputException($"{option}: no {noun} given (e.g. {option} 1,128)");
        if (parts.Length > MaxEntries) throw new UserInputException($"{option}: {parts.Length} counts, more than the {MaxEntries} one run measures");
        var result = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!PlainNumber.TryParseInt(parts[i], out result[i], out _) || result[i] < 1)
                throw new UserInputException($"{option}: '{Echo.Of(parts[i])}' is not a positive integer");
            else if (result[i] > max)
                throw new UserInputException($"{option}: {result[i]} exceeds {maxReason}");
        return result;
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Sweeps;

/// <summary>One run of a sweep: a model, a trace, a policy with its knobs, a Poisson rate, a request count and a seed.</summary>
/// <param name="MaxModelLengthTokens">The server's max model length when the grid sets one; null is the model's own.</param>
public sealed record SweepPoint(string Model, string Trace, SchedulingPolicy Policy, double RatePerSecond, int Requests, int Seed, int? MaxModelLengthTokens = null)
{
    /// <summary>Characters a name part keeps before the rest is replaced by its hash.</summary>
    public const int MaxPartChars = 48;

    /// <summary>
    /// The point's name and result file stem, e.g. qwen3-30b-a3b_arxiv-long_chunked-512_r1.5_n200_s0. Exact: the rate is
    /// written in full ("1.00001", "1e300"). Bounded and case-safe: a name part longer than 48 characters, or one that had
    /// to change to be a lower-case file name (a path, upper case that a case-insensitive file system would fold), is cut
    /// and followed by "--" and a hash of its exact text, so T.csv and t.csv never share a file and no name passes 255 bytes.
    /// </summary>
    public string Key => $"{Part(Model)}_{Part(Trace)}_{Part(Policy.Name)}_r{Rate(RatePerSecond)}_n{Requests}_s{Seed}{LengthSuffix}";

    /// <summary>The exact identity of the point's settings as named (before resolving any file), for de-duplication.</summary>
    public string ExactName => string.Create(CultureInfo.InvariantCulture,
        $"{Model}\0{Trace}\0{Policy.Name}\0{RatePerSecond:R}\0{Requests}\0{Seed}\0{MaxModelLengthTokens}");

    // A point under another max model length serves other requests: its file must not collide with the default's.
    private string LengthSuffix => MaxModelLengthTokens is { } len ? $"_len{len}" : "";

    /// <summary>A rate as a file-name part: round-trip exact, exponent without '+'.</summary>
    public static string Rate(double rate) =>
        rate.ToString("R", CultureInfo.InvariantCulture).Replace("E+", "e", StringComparison.Ordinal).Replace("E-", "e-", StringComparison.Ordinal);

    private static string Part(string text)
    {
        var sb = new StringBuilder(text.Length);
        bool changed = false;
        foreach (char c in text)
        {
            bool keep = char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.';
            if (char.IsAsciiLetterUpper(c)) { sb.Append(char.ToLowerInvariant(c)); changed = true; }
            else if (keep) sb.Append(c);
            else { sb.Append('-'); changed = true; }
        }
        string safe = sb.ToString();
        if (!changed && safe.Length <= MaxPartChars) return safe;
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8];
        return (safe.Length > MaxPartChars - 10 ? safe[..(MaxPartChars - 10)] : safe) + "--" + hash;
    }
}

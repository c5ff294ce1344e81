using System.Globalization;
using System.Text;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Sweeps;

/// <summary>One run of a sweep: a model, a trace, a policy with its knobs, a Poisson rate, a request count and a seed.</summary>
/// <param name="MaxModelLengthTokens">The server's max model length when the grid sets one; null is the model's own.</param>
public sealed record SweepPoint(string Model, string Trace, SchedulingPolicy Policy, double RatePerSecond, int Requests, int Seed, int? MaxModelLengthTokens = null)
{
    /// <summary>Stable, filesystem-safe name of the point (also its result file's stem), e.g. qwen3-30b-a3b_arxiv-long_chunked-512_r1.5_n200_s0.</summary>
    public string Key => Safe(string.Create(CultureInfo.InvariantCulture,
        $"{Model}_{Trace}_{Policy.Name}_r{RatePerSecond:0.####}_n{Requests}_s{Seed}{LengthSuffix}"));

    // A point under another max model length serves other requests: its file must not collide with the default's.
    private string LengthSuffix => MaxModelLengthTokens is { } len ? $"_len{len}" : "";

    private static string Safe(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text.ToLowerInvariant())
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-');
        return sb.ToString();
    }
}

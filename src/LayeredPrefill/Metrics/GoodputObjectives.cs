using System.Globalization;
using LayeredPrefill.Serving;

namespace LayeredPrefill.Metrics;

/// <summary>
/// vLLM's goodput objectives (--goodput ttft:10000 tpot:125 e2el:20000, milliseconds): a completed request is good when it meets
/// every objective given, TPOT counting as 0 for a single output token, as vLLM counts it. The paper's strict per-gap SLO is
/// <see cref="Slo"/>, reported as slo_attainment; this is the vLLM request_goodput.
/// </summary>
public sealed record GoodputObjectives(double? TtftMs, double? TpotMs, double? E2elMs)
{
    /// <summary>Parses "KEY:VALUE" pairs (ttft, tpot, e2el; positive milliseconds), as vLLM's --goodput does; null for none.</summary>
    public static GoodputObjectives? Parse(IReadOnlyList<string>? pairs)
    {
        if (pairs is null || pairs.Count == 0) return null;
        double? ttft = null, tpot = null, e2el = null;
        foreach (string pair in pairs.SelectMany(p => p.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries)))
        {
            string[] parts = pair.Split(':');
            if (parts.Length != 2) throw new UserInputException($"--goodput: '{pair}' is not KEY:VALUE (e.g. ttft:10000 tpot:125)");
            // The CLI's one number rule (plain invariant digits: "1,5" or "0x10" are refused, not read as something else).
            if (!IO.PlainNumber.TryParseDouble(parts[1], out double ms, out _) || !(ms > 0))
                throw new UserInputException($"--goodput: '{IO.Echo.Of(pair)}': the objective must be a finite number of milliseconds > 0");
            switch (parts[0].Trim().ToLowerInvariant())
            {
                case "ttft": ttft = ms; break;
                case "tpot": tpot = ms; break;
                case "e2el": e2el = ms; break;
                default: throw new UserInputException($"--goodput: unknown objective '{parts[0]}' (valid: ttft, tpot, e2el)");
            }
        }
        return new GoodputObjectives(ttft, tpot, e2el);
    }

    /// <summary>True when the completed request <paramref name="r"/> meets every objective.</summary>
    public bool IsMetBy(RequestTimeline r)
    {
        if (!r.Completed || r.FirstTokenSeconds is not { } first) return false;
        double ttft = first - r.ArrivalSeconds, e2el = r.FinishSeconds!.Value - r.ArrivalSeconds;
        double tpot = r.OutputTokens > 1 ? (r.FinishSeconds.Value - first) / (r.OutputTokens - 1) : 0;
        return (TtftMs is not { } t || ttft * 1000 <= t) && (TpotMs is not { } p || tpot * 1000 <= p) && (E2elMs is not { } e || e2el * 1000 <= e);
    }

    /// <summary>Good requests per second of <paramref name="durationSeconds"/>.</summary>
    public double RequestsPerSecond(RunResult run, double durationSeconds) => run.Requests.Count(IsMetBy) / durationSeconds;

    /// <summary>The objectives as vLLM's option spells them.</summary>
    public override string ToString() => string.Join(' ', new[] { ("ttft", TtftMs), ("tpot", TpotMs), ("e2el", E2elMs) }
        .Where(o => o.Item2 is not null).Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Item1}:{o.Item2}")));
}

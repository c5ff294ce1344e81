using LayeredPrefill.Serving;

namespace LayeredPrefill.Metrics;

/// <summary>A strict per-request SLO: TTFT within a bound AND every inter-token gap within a bound.</summary>
/// <param name="RejectedMeetSlo">Count a request the server refused as meeting the SLO. The paper's benchmark client records a
/// refused request (prompt over the max model length) as TTFT 0 with no gaps, and its attainment script then passes it.</param>
public sealed record Slo(double TtftSeconds, double ItlSeconds, bool RejectedMeetSlo = false)
{
    /// <summary>The paper's SLOs unless given: TTFT 10 s for arXiv and 5 s for ShareGPT; ITL 125 ms for Qwen3 and 100 ms for GPT-OSS.</summary>
    public static Slo Paper(string traceName, Models.MoeModel model, double? ttftMs, double? itlMs)
    {
        double ttft = ttftMs ?? (traceName.Contains("sharegpt", StringComparison.OrdinalIgnoreCase) ? 5000 : 10000);
        double itl = itlMs ?? (model.Name.Contains("gpt-oss", StringComparison.OrdinalIgnoreCase) ? 100 : 125);
        return new Slo(ttft / 1000, itl / 1000).Validate();
    }

    /// <summary>Refuses bounds that are not positive, naming the option.</summary>
    public Slo Validate()
    {
        if (!(TtftSeconds > 0) || !double.IsFinite(TtftSeconds)) throw new UserInputException($"--slo-ttft-ms must be a finite number > 0 (got {TtftSeconds * 1000})");
        if (!(ItlSeconds > 0) || !double.IsFinite(ItlSeconds)) throw new UserInputException($"--slo-itl-ms must be a finite number > 0 (got {ItlSeconds * 1000})");
        return this;
    }

    /// <summary>True when the request completed, its first token came within the TTFT bound, and no gap exceeded the ITL bound.</summary>
    public bool IsMetBy(RequestTimeline r)
    {
        if (!r.Completed || r.FirstTokenSeconds is not { } first) return false;
        if (first - r.ArrivalSeconds > TtftSeconds) return false;
        var t = r.TokenTimesSeconds;
        for (int i = 1; i < t.Count; i++)
            if (t[i] - t[i - 1] > ItlSeconds) return false;
        return true;
    }
}

using System.Globalization;

namespace LayeredPrefill.Workloads;

/// <summary>How vLLM's benchmark ramps its request rate over the requests: linearly or geometrically from a start to an end rate.</summary>
public enum RampUpStrategy
{
    /// <summary>rate(i) = start + (end − start) · i / (n − 1).</summary>
    Linear,
    /// <summary>rate(i) = start · (end / start)^(i / (n − 1)).</summary>
    Exponential,
}

/// <summary>A request rate that changes from request to request (vLLM's --ramp-up-strategy, --ramp-up-start-rps, --ramp-up-end-rps).</summary>
public sealed record RampUp(RampUpStrategy Strategy, double StartRps, double EndRps)
{
    /// <summary>The strategy as vLLM spells it.</summary>
    public string StrategyName => Strategy == RampUpStrategy.Linear ? "linear" : "exponential";

    /// <summary>The rate the gap before request <paramref name="index"/> of <paramref name="total"/> is drawn with, as vLLM computes it.</summary>
    public double RateAt(int index, int total)
    {
        double progress = (double)index / Math.Max(total - 1, 1);
        return Strategy == RampUpStrategy.Linear
            ? StartRps + (EndRps - StartRps) * progress
            : StartRps * Math.Pow(EndRps / StartRps, progress);
    }

    /// <summary>The ramp the options name, or null when no strategy is given; refuses what vLLM refuses, naming the option.</summary>
    public static RampUp? Parse(string? strategy, double? startRps, double? endRps, double? rate)
    {
        if (strategy is null)
        {
            if (startRps is not null || endRps is not null)
                throw new UserInputException("--ramp-up-start-rps and --ramp-up-end-rps need --ramp-up-strategy linear|exponential");
            return null;
        }
        var kind = strategy.Trim().ToLowerInvariant() switch
        {
            "linear" => RampUpStrategy.Linear,
            "exponential" => RampUpStrategy.Exponential,
            _ => throw new UserInputException($"--ramp-up-strategy: unknown strategy '{strategy}' (valid: linear, exponential)"),
        };
        if (rate is not null)
            throw new UserInputException("--rate: with --ramp-up-strategy the ramp sets the rate; give --ramp-up-start-rps and --ramp-up-end-rps instead");
        if (startRps is not { } start || endRps is not { } end)
            throw new UserInputException("--ramp-up-strategy needs both --ramp-up-start-rps and --ramp-up-end-rps");
        string Num(double v) => v.ToString(CultureInfo.InvariantCulture);
        if (!(start > 0) || !double.IsFinite(start)) throw new UserInputException($"--ramp-up-start-rps must be a finite number > 0 (got {Num(start)})");
        if (!(end > 0) || !double.IsFinite(end)) throw new UserInputException($"--ramp-up-end-rps must be a finite number > 0 (got {Num(end)})");
        if (start > end) throw new UserInputException($"--ramp-up-start-rps {Num(start)} exceeds --ramp-up-end-rps {Num(end)}");
        return new RampUp(kind, start, end);
    }
}

using LayeredPrefill.Experiments;

namespace LayeredPrefill.Cli.Output;

/// <summary>Whether policies that recorded their generated tokens produced the same ones (the schedule must change cost, never the math).</summary>
internal static class TokenAgreement
{
    /// <summary>True when every run recorded identical tokens for every request, with one line saying so or where they first differ.</summary>
    public static (bool Agree, string Line) Check(IReadOnlyList<RunReport> reports)
    {
        var first = reports[0];
        var names = string.Join(", ", reports.Select(r => r.Spec.Policy.Name));
        foreach (var other in reports.Skip(1))
        {
            foreach (var (id, tokens) in first.Run.GeneratedTokenIds)
            {
                if (!other.Run.GeneratedTokenIds.TryGetValue(id, out var theirs))
                    return (false, $"tokens differ: request {id} has tokens under {first.Spec.Policy.Name} but none under {other.Spec.Policy.Name}");
                int n = Math.Min(tokens.Count, theirs.Count);
                for (int i = 0; i < n; i++)
                    if (tokens[i] != theirs[i])
                        return (false, $"tokens differ: request {id} at output token {i} ({first.Spec.Policy.Name} {tokens[i]}, {other.Spec.Policy.Name} {theirs[i]})");
                if (tokens.Count != theirs.Count)
                    return (false, $"tokens differ: request {id} has {tokens.Count} tokens under {first.Spec.Policy.Name}, {theirs.Count} under {other.Spec.Policy.Name}");
            }
            if (other.Run.GeneratedTokenIds.Count != first.Run.GeneratedTokenIds.Count)
                return (false, $"tokens differ: {first.Spec.Policy.Name} recorded {first.Run.GeneratedTokenIds.Count} requests, {other.Spec.Policy.Name} {other.Run.GeneratedTokenIds.Count}");
        }
        int count = first.Run.GeneratedTokenIds.Count;
        return (true, reports.Count == 1
            ? $"tokens: recorded for {count} requests ({names})"
            : $"tokens agree: {names} generated identical tokens for all {count} requests");
    }
}

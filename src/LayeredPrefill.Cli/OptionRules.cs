using System.CommandLine;
using System.CommandLine.Parsing;
using LayeredPrefill.IO;

namespace LayeredPrefill.Cli;

/// <summary>
/// Rules every option of every verb obeys, applied once to the whole command tree so that no verb can forget them:
/// a number is a plain invariant-culture number (<see cref="PlainNumber"/>: "--rate 1,5" is refused, not read as 15),
/// and a value typed as empty ('') is refused instead of meaning "the current folder" or "nothing".
/// </summary>
internal static class OptionRules
{
    /// <summary>Installs the rules on <paramref name="root"/> and all its subcommands.</summary>
    public static void Apply(Command root)
    {
        foreach (var option in root.Options) Apply(option);
        foreach (var sub in root.Subcommands) Apply(sub);
    }

    private static void Apply(Option option)
    {
        string name = option.Name;
        switch (option)
        {
            case Option<int> o when o.CustomParser is null: o.CustomParser = r => Int(r, name); break;
            case Option<int?> o when o.CustomParser is null: o.CustomParser = r => Int(r, name); break;
            case Option<long> o when o.CustomParser is null: o.CustomParser = r => Long(r, name); break;
            case Option<long?> o when o.CustomParser is null: o.CustomParser = r => Long(r, name); break;
            case Option<double> o when o.CustomParser is null: o.CustomParser = r => Double(r, name); break;
            case Option<double?> o when o.CustomParser is null: o.CustomParser = r => Double(r, name); break;
            case Option<string> or Option<string?>:
                option.Validators.Add(r =>
                {
                    if (r.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value)))
                        r.AddError($"{name}: the value is empty; give one or leave the option out");
                });
                break;
        }
    }

    private static string Token(ArgumentResult r) => r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";

    private static int Int(ArgumentResult r, string name)
    {
        if (PlainNumber.TryParseInt(Token(r), out int v, out string why)) return v;
        r.AddError($"{name}: {why}");
        return 0;
    }

    private static long Long(ArgumentResult r, string name)
    {
        if (PlainNumber.TryParseLong(Token(r), out long v, out string why)) return v;
        r.AddError($"{name}: {why}");
        return 0;
    }

    private static double Double(ArgumentResult r, string name)
    {
        if (PlainNumber.TryParseDouble(Token(r), out double v, out string why)) return v;
        r.AddError($"{name}: {why}");
        return 0;
    }
}

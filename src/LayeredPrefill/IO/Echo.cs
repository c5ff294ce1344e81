using System.Globalization;
using System.Text;

namespace LayeredPrefill.IO;

/// <summary>Input text echoed in a message: cut to a readable length and with control characters escaped, so a 10 MB field or raw ESC bytes never reach the terminal.</summary>
public static class Echo
{
    /// <summary>Characters of input a message shows before it cuts.</summary>
    public const int MaxChars = 60;

    /// <summary>The most characters one error line may have (the CLI's last guard).</summary>
    public const int MaxLineChars = 2000;

    /// <summary><paramref name="text"/> with controls escaped (\0, \e, \t, \xNN) and cut after <paramref name="max"/> characters ("…(N more)").</summary>
    public static string Of(string? text, int max = MaxChars)
    {
        if (text is null) return "";
        var sb = new StringBuilder(Math.Min(text.Length, max) + 16);
        int shown = 0;
        foreach (Rune rune in text.EnumerateRunes())
        {
            if (shown >= max) break;
            AppendEscaped(sb, rune);
            shown += rune.Utf16SequenceLength;
        }
        if (shown < text.Length) sb.Append(CultureInfo.InvariantCulture, $"…({text.Length - shown:N0} more characters)");
        return sb.ToString();
    }

    /// <summary>A whole message made safe for one terminal line: controls escaped, cut at <see cref="MaxLineChars"/>.</summary>
    public static string Line(string message) => Of(message.ReplaceLineEndings(" "), MaxLineChars);

    private static void AppendEscaped(StringBuilder sb, Rune rune)
    {
        int v = rune.Value;
        switch (v)
        {
            case 0: sb.Append("\\0"); return;
            case 0x1b: sb.Append("\\e"); return;
            case '\t': sb.Append("\\t"); return;
            case '\r': sb.Append("\\r"); return;
            case '\n': sb.Append("\\n"); return;
        }
        // C0, DEL and C1 controls, and the bidirectional overrides that could reorder what the terminal shows.
        if (v < 0x20 || (v >= 0x7f && v < 0xa0) || v is >= 0x202a and <= 0x202e or >= 0x2066 and <= 0x2069)
            sb.Append(CultureInfo.InvariantCulture, $"\\x{v:x2}");
        else
            sb.Append(rune.ToString());
    }
}

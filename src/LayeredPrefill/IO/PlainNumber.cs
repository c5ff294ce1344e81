using System.Globalization;

namespace LayeredPrefill.IO;

/// <summary>
/// The one rule for numbers typed on the command line or in lists: invariant culture, ASCII digits, an optional sign,
/// for reals an optional '.' fraction and exponent ("1.5", "2e-3"). No thousands separators ("1,5" is not 15),
/// no hex, no spaces inside, no NaN or infinity. Whole numbers take digits only ("1e3" and "2048.0" are refused).
/// </summary>
public static class PlainNumber
{
    /// <summary>Parses a whole number; <paramref name="why"/> says what is wrong otherwise.</summary>
    public static bool TryParseLong(string? text, out long value, out string why)
    {
        value = 0;
        string t = (text ?? "").Trim();
        if (t.Length == 0) { why = "is empty"; return false; }
        int start = t[0] is '+' or '-' ? 1 : 0;
        if (start == t.Length || t.AsSpan(start).ContainsAnyExceptInRange('0', '9'))
        {
            why = $"'{Echo.Of(t)}' is not a whole number (digits only, e.g. 1000)";
            return false;
        }
        if (!long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            why = $"'{Echo.Of(t)}' is too large";
            return false;
        }
        why = "";
        return true;
    }

    /// <summary>Parses a whole number that fits in 32 bits.</summary>
    public static bool TryParseInt(string? text, out int value, out string why)
    {
        value = 0;
        if (!TryParseLong(text, out long v, out why)) return false;
        if (v is < int.MinValue or > int.MaxValue) { why = $"'{Echo.Of(text!.Trim())}' is too large (at most {int.MaxValue})"; return false; }
        value = (int)v;
        return true;
    }

    /// <summary>Parses a finite real number.</summary>
    public static bool TryParseDouble(string? text, out double value, out string why)
    {
        value = 0;
        string t = (text ?? "").Trim();
        if (t.Length == 0) { why = "is empty"; return false; }
        if (!IsPlainReal(t))
        {
            string lower = t.TrimStart('+', '-').ToLowerInvariant();
            why = lower is "nan" or "inf" or "infinity" or "∞"
                ? $"'{Echo.Of(t)}' is not a finite number"
                : $"'{Echo.Of(t)}' is not a plain number (digits with '.' for decimals, e.g. 1.5 or 2e-3; no thousands separators)";
            return false;
        }
        value = double.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (!double.IsFinite(value)) { why = $"'{Echo.Of(t)}' is too large"; return false; }
        why = "";
        return true;
    }

    private static bool IsPlainReal(string t)
    {
        int i = 0;
        if (i < t.Length && t[i] is '+' or '-') i++;
        int digits = 0;
        while (i < t.Length && char.IsAsciiDigit(t[i])) { i++; digits++; }
        if (i < t.Length && t[i] == '.')
        {
            i++;
            while (i < t.Length && char.IsAsciiDigit(t[i])) { i++; digits++; }
        }
        if (digits == 0) return false;
        if (i < t.Length && t[i] is 'e' or 'E')
        {
            i++;
            if (i < t.Length && t[i] is '+' or '-') i++;
            int exponent = 0;
            while (i < t.Length && char.IsAsciiDigit(t[i])) { i++; exponent++; }
            if (exponent == 0) return false;
        }
        return i == t.Length;
    }
}

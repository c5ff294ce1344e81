using System.Text;

namespace LayeredPrefill.IO;

/// <summary>
/// How input bytes become text: a UTF-8 BOM is dropped, a UTF-16 BOM (LE or BE) switches to UTF-16, anything else is
/// UTF-8. Bytes that are not valid in that encoding decode to <see cref="Invalid"/>, so that the reader can say at
/// which line and column they sit instead of silently turning them into U+FFFD.
/// </summary>
internal static class TextDecoding
{
    /// <summary>What an undecodable byte sequence becomes: U+FDD0, a noncharacter no text file holds.</summary>
    public const char Invalid = '\uFDD0';

    private static readonly DecoderReplacementFallback Marker = new(Invalid.ToString());

    /// <summary>The encoding the first bytes announce, and how many bytes its BOM takes.</summary>
    public static (Encoding Encoding, int BomBytes) Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF) return (Utf8, 3);
        if (head.Length >= 2 && head[0] == 0xFF && head[1] == 0xFE) return (Utf16(bigEndian: false), 2);
        if (head.Length >= 2 && head[0] == 0xFE && head[1] == 0xFF) return (Utf16(bigEndian: true), 2);
        return (Utf8, 0);
    }

    private static Encoding Utf8 { get; } = Encoding.GetEncoding(65001, EncoderFallback.ExceptionFallback, Marker);

    private static Encoding Utf16(bool bigEndian) => Encoding.GetEncoding(bigEndian ? 1201 : 1200, EncoderFallback.ExceptionFallback, Marker);

    /// <summary>The name of the encoding, for messages.</summary>
    public static string NameOf(Encoding e) => e.CodePage switch { 1200 => "UTF-16LE", 1201 => "UTF-16BE", _ => "UTF-8" };

    /// <summary>Refuses a line holding a NUL or an undecodable sequence, at <paramref name="column"/>(text before it).</summary>
    public static void RequireText(string line, string source, long lineNumber, Encoding encoding, Func<string, int> column)
    {
        int bad = line.AsSpan().IndexOfAny('\0', Invalid);
        if (bad < 0) return;
        int col = column(line[..bad]);
        if (line[bad] == '\0')
            throw new UserInputException($"{source}:{lineNumber}:{col}: NUL byte (a binary file, or UTF-16 without a byte-order mark?); save it as UTF-8 text");
        throw new UserInputException($"{source}:{lineNumber}:{col}: invalid {NameOf(encoding)} (bytes that are not text); save it as UTF-8");
    }

    /// <summary>Column of a character position: 1-based characters.</summary>
    public static int CharColumn(string prefix) => prefix.Length + 1;
}

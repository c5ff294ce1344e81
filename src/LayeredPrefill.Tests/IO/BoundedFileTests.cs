using System.Text;
using LayeredPrefill.IO;

namespace LayeredPrefill.Tests.IO;

/// <summary>The one bounded reader: sizes, streams, line lengths, FIFOs, encodings and NUL bytes.</summary>
public sealed class BoundedFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lp-reader-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static readonly ReadLimits Small = new("the test file", 1000, 40);

    [Fact]
    public void A_regular_file_over_the_bound_is_refused_by_its_size_without_reading_it()
    {
        string path = Path.Combine(_dir, "sparse.bin");
        using (var f = File.Create(path)) f.SetLength(3L << 30); // 3 GB, no data on disk
        var e = Assert.Throws<UserInputException>(() => BoundedFile.ReadAllText(path, Small));
        Assert.Equal($"{path}: cannot read the test file: it is 3,221,225,472 bytes, more than the 1,000 allowed (is it the right file?)", e.Message);
    }

    [Fact]
    public void An_endless_device_is_refused_when_it_passes_the_bound()
    {
        if (!OperatingSystem.IsLinux()) return;
        var e = Assert.Throws<UserInputException>(() => BoundedFile.ReadAllBytes("/dev/zero", Small));
        Assert.Contains("more than the 1,000 bytes allowed came from it (a device or an endless stream?)", e.Message);
    }

    [Fact]
    public void A_line_over_the_bound_is_refused_at_its_number()
    {
        string path = Write("long.txt", Encoding.UTF8.GetBytes("short\n" + new string('z', 41) + "\n"));
        using var lines = BoundedFile.OpenLines(path, Small);
        Assert.Equal("short", lines.ReadLine());
        var e = Assert.Throws<UserInputException>(() => lines.ReadLine());
        Assert.StartsWith($"{path}:2:1: line is longer than the 40 characters", e.Message);
    }

    [Fact]
    public void Utf8_and_utf16_with_a_byte_order_mark_read_the_same_text()
    {
        const string text = "num_prefill_tokens,num_decode_tokens\r\n100,10\r\n\r\nlast,no newline";
        var expected = new[] { "num_prefill_tokens,num_decode_tokens", "100,10", "", "last,no newline" };
        foreach (var (name, encoding) in new (string, Encoding)[] { ("utf8", new UTF8Encoding(true)), ("utf16le", Encoding.Unicode), ("utf16be", Encoding.BigEndianUnicode) })
        {
            string path = Write(name + ".csv", [.. encoding.GetPreamble(), .. encoding.GetBytes(text)]);
            using var lines = BoundedFile.OpenLines(path, ReadLimits.Trace);
            var read = new List<string>();
            while (lines.ReadLine() is { } line) read.Add(line);
            Assert.Equal(expected, read);
            Assert.Equal(text, BoundedFile.ReadAllText(path, ReadLimits.Trace));
        }
    }

    [Fact]
    public void Invalid_utf8_and_nul_bytes_are_refused_at_line_and_column()
    {
        string bad = Write("bad.txt", [.. "ok\nab"u8, 0xFF, .. "c\n"u8]);
        var e = Assert.Throws<UserInputException>(() => BoundedFile.ReadAllText(bad, Small));
        Assert.StartsWith($"{bad}:2:3: invalid UTF-8", e.Message);
        string nul = Write("nul.txt", [.. "{\n  \"a\": 1"u8, 0, .. "}\n"u8]);
        e = Assert.Throws<UserInputException>(() => BoundedFile.ReadAllText(nul, Small));
        Assert.StartsWith($"{nul}:2:9: NUL byte", e.Message);
    }

    [Fact]
    public void A_fifo_with_no_writer_reads_as_empty_and_with_one_reads_what_it_writes()
    {
        if (!OperatingSystem.IsLinux()) return;
        string fifo = Path.Combine(_dir, "in.fifo");
        SpecialFiles.Fifo(fifo);
        Assert.Equal("", BoundedFile.ReadAllText(fifo, Small));
    }

    [Theory]
    [InlineData("")]
    [InlineData("missing.json")]
    [InlineData(".")]
    public void Missing_empty_and_folder_paths_are_one_line(string name)
    {
        string path = name.Length == 0 ? "" : Path.Combine(_dir, name);
        var e = Assert.Throws<UserInputException>(() => BoundedFile.ReadAllText(path, Small));
        Assert.Contains("cannot read the test file", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}

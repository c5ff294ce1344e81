using System.Text;

namespace LayeredPrefill.IO;

/// <summary>
/// The one bounded reader. Every input file (traces, config.json, device profiles, sweep definitions, point files,
/// baselines, GPU result files) is opened here: a directory, a socket or a missing file is one line; a regular file
/// larger than its <see cref="ReadLimits"/> is refused before a byte is read; a device or an endless stream (/dev/zero)
/// is refused when it passes the bound; a FIFO is opened without blocking, so one with no writer reads as empty
/// instead of hanging. Text is UTF-8 (a BOM is dropped) or UTF-16 with a BOM; a NUL byte or bytes that are not text
/// are refused at their line and column.
/// </summary>
public static class BoundedFile
{
    /// <summary>All bytes of <paramref name="path"/>, at most <see cref="ReadLimits.MaxBytes"/>.</summary>
    public static byte[] ReadAllBytes(string path, ReadLimits limits)
    {
        using var stream = OpenRead(path, limits);
        var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int n;
        try
        {
            while ((n = stream.Read(chunk)) > 0)
            {
                if (buffer.Length + n > limits.MaxBytes) throw TooMuch(path, limits);
                buffer.Write(chunk, 0, n);
            }
        }
        catch (IOException e)
        {
            throw new UserInputException($"{path}: cannot read {limits.What} ({AtomicFile.Reason(e)})");
        }
        return buffer.ToArray();
    }

    /// <summary>The text of <paramref name="path"/>, decoded (see the class remarks) and checked for NUL bytes and invalid sequences.</summary>
    public static string ReadAllText(string path, ReadLimits limits)
    {
        byte[] bytes = ReadAllBytes(path, limits);
        var (encoding, bom) = TextDecoding.Detect(bytes);
        string text = encoding.GetString(bytes, bom, bytes.Length - bom);
        int bad = text.AsSpan().IndexOfAny('\0', TextDecoding.Invalid);
        if (bad >= 0)
        {
            int line = 1, lineStart = 0;
            for (int i = 0; i < bad; i++)
                if (text[i] == '\n') { line++; lineStart = i + 1; }
            TextDecoding.RequireText(text[lineStart..(bad + 1)], path, line, encoding, TextDecoding.CharColumn);
        }
        return text;
    }

    /// <summary>Reads <paramref name="path"/> line by line with bounded memory (see <see cref="LineReader"/>).</summary>
    /// <param name="column">Turns the text of a line before a bad character into the column messages give (default: its character position).</param>
    public static LineReader OpenLines(string path, ReadLimits limits, Func<string, int>? column = null) =>
        new(OpenRead(path, limits), path, limits, column ?? TextDecoding.CharColumn);

    /// <summary>Opens <paramref name="path"/> for reading after the checks the class remarks list.</summary>
    public static Stream OpenRead(string path, ReadLimits limits)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new UserInputException($"cannot read {limits.What}: the path is empty");
        var stat = FileStat.Of(path);
        switch (stat.Kind)
        {
            case FileKind.Missing:
                throw new UserInputException($"{path}: cannot read {limits.What} (no such file)");
            case FileKind.Directory:
                throw new UserInputException($"{path}: cannot read {limits.What} (it is a directory{limits.DirectoryHint})");
            case FileKind.Socket or FileKind.Unknown:
                throw new UserInputException($"{path}: cannot read {limits.What} (it is {FileStat.Describe(stat.Kind)}, not a file)");
            case FileKind.Regular when stat.Size > limits.MaxBytes:
                throw new UserInputException($"{path}: cannot read {limits.What}: it is {stat.Size:N0} bytes, more than the {limits.MaxBytes:N0} allowed (is it the right file?)");
        }
        Stream stream;
        try
        {
            if (stat.Kind == FileKind.Fifo && Posix.Available)
            {
                // A plain open blocks until a writer appears; without O_NONBLOCK a FIFO nobody writes to would hang us.
                var handle = Posix.OpenWithoutBlocking(path, write: false, out int errno)
                    ?? throw new UserInputException($"{path}: cannot read {limits.What} ({Posix.Describe(errno)})");
                stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
            }
            else
            {
                stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{path}: cannot read {limits.What} ({AtomicFile.Reason(e)})");
        }
        return new CountingStream(stream, path, limits);
    }

    internal static UserInputException TooMuch(string path, ReadLimits limits) =>
        new($"{path}: cannot read {limits.What}: more than the {limits.MaxBytes:N0} bytes allowed came from it (a device or an endless stream?)");

    /// <summary>Counts what a stream gives and refuses it once it passes the bound (files that grow while read, devices).</summary>
    private sealed class CountingStream(Stream inner, string path, ReadLimits limits) : Stream
    {
        private long _read;

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

        private int Count(int n)
        {
            _read += n;
            if (_read > limits.MaxBytes) throw TooMuch(path, limits);
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}

/// <summary>
/// Lines of a bounded input, decoded as <see cref="BoundedFile"/> says, one at a time: memory stays at one line and a
/// buffer however long the file. A line longer than <see cref="ReadLimits.MaxLineChars"/> is refused at its number.
/// Line ends are \n or \r\n; a trailing \r is dropped.
/// </summary>
public sealed class LineReader : IDisposable
{
    private readonly Stream _stream;
    private readonly string _source;
    private readonly ReadLimits _limits;
    private readonly Func<string, int> _column;
    private readonly byte[] _bytes = new byte[1 << 16];
    private char[] _chars = [];
    private int _charCount, _charPos;
    private Decoder? _decoder;
    private Encoding _encoding = Encoding.UTF8;
    private bool _eof;
    private readonly StringBuilder _line = new();

    internal LineReader(Stream stream, string source, ReadLimits limits, Func<string, int> column)
    {
        _stream = stream; _source = source; _limits = limits; _column = column;
    }

    /// <summary>1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The next line, or null at the end.</summary>
    public string? ReadLine()
    {
        _line.Clear();
        while (true)
        {
            if (_charPos == _charCount && !Fill())
            {
                if (_line.Length == 0) return null;
                return Finish();
            }
            var span = _chars.AsSpan(_charPos, _charCount - _charPos);
            int newline = span.IndexOf('\n');
            int take = newline >= 0 ? newline : span.Length;
            if (_line.Length + take > _limits.MaxLineChars)
                throw new UserInputException($"{_source}:{LineNumber + 1}:1: line is longer than the {_limits.MaxLineChars:N0} characters a line of {_limits.What} may have (a binary file or a device?)");
            _line.Append(span[..take]);
            _charPos += take;
            if (newline >= 0)
            {
                _charPos++;
                return Finish();
            }
        }
    }

    private string Finish()
    {
        LineNumber++;
        if (_line.Length > 0 && _line[^1] == '\r') _line.Length--;
        string text = _line.ToString();
        TextDecoding.RequireText(text, _source, LineNumber, _encoding, _column);
        return text;
    }

    private bool Fill()
    {
        while (!_eof)
        {
            int n;
            try { n = _stream.Read(_bytes); }
            catch (IOException e)
            {
                throw new UserInputException($"{_source}: cannot read {_limits.What} ({AtomicFile.Reason(e)})");
            }
            int start = 0;
            if (_decoder is null)
            {
                // The BOM is read from the first chunk (a stream that gives fewer bytes at first is taken as UTF-8).
                var (encoding, bom) = TextDecoding.Detect(_bytes.AsSpan(0, n));
                _encoding = encoding;
                _decoder = encoding.GetDecoder();
                _chars = new char[encoding.GetMaxCharCount(_bytes.Length)];
                start = bom;
            }
            if (n == 0) _eof = true;
            _charCount = _decoder.GetChars(_bytes, start, n - start, _chars, 0, flush: _eof);
            _charPos = 0;
            if (_charCount > 0) return true;
        }
        return false;
    }

    /// <inheritdoc/>
    public void Dispose() => _stream.Dispose();
}

using System.Text;

namespace LayeredPrefill.IO;

/// <summary>
/// The one writer. Regular files, under /dev and /proc as anywhere, are written so that a reader never sees half of one: a
/// temporary file in the same folder (hidden, its name bounded to 255 bytes), flushed to disk, then renamed over the target.
/// A target that exists and is not a regular file (a character device such as a terminal or /dev/null, or a FIFO) is written
/// through, never replaced. A path naming this process's stdout or stderr (/dev/stdout, /dev/fd/2, /proc/self/fd/1, ...) is
/// written through the inherited descriptor (<see cref="StandardStream"/>), whatever it leads to. Any I/O failure (a full
/// disk, a read-only file system) is a <see cref="UserInputException"/> naming the file, and leaves no temporary behind and
/// the previous file untouched.
/// </summary>
/// <remarks>
/// Call <see cref="Check"/> (or <see cref="EnsureWritable"/>) with the option's name before any long work, so that a
/// destination that cannot be written is refused in one line before the work, not after it.
/// </remarks>
public static class AtomicFile
{
    /// <summary>Longest file name (one path component) Linux file systems accept, in UTF-8 bytes.</summary>
    public const int MaxNameBytes = 255;

    private const string TempMarker = ".tmp-";

    /// <summary>Checks before the work that <paramref name="path"/> can be written, naming <paramref name="option"/> in a refusal.</summary>
    /// <returns>The full path (as the user named it, links not resolved).</returns>
    public static string EnsureWritable(string path, string option) => Check(path, option).Path;

    /// <summary>Checks before the work that <paramref name="path"/> can be written, and how it will be: replaced atomically or written through.</summary>
    /// <remarks>Creates missing parent folders; writes and deletes a probe file of the temporary's name length in the target's folder.</remarks>
    public static OutputTarget Check(string path, string option) => Resolve(path, option, probe: true);

    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM) to <paramref name="path"/>.</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/>.</summary>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>Writes whatever <paramref name="write"/> puts into the stream to <paramref name="path"/> (for output too large to build in memory first).</summary>
    /// <remarks>An <see cref="IOException"/> from <paramref name="write"/> is treated as the disk's: refused in one line, nothing left behind.</remarks>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var target = Resolve(path, option: null, probe: false);
        switch (target.Mode)
        {
            case WriteMode.Replace: Replace(target, write); break;
            case WriteMode.WriteThrough: WriteThrough(target, write); break;
            case WriteMode.StandardStream: WriteToStandardStream(target, write); break;
        }
    }

    /// <summary>Appends <paramref name="text"/> to <paramref name="path"/>: only for files others append to as well (a CI job summary).</summary>
    public static void AppendAllText(string path, string text)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            stream.Write(new UTF8Encoding(false).GetBytes(text));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot append to '{path}': {Reason(e)}");
        }
    }

    /// <summary>True when <paramref name="fileName"/> is one of this writer's temporaries or probes (left behind only by a hard kill).</summary>
    /// <remarks>A probe takes a temporary's name (<see cref="TemporaryName"/>), so one marker finds both.</remarks>
    public static bool IsTemporary(string fileName) => fileName.Contains(TempMarker, StringComparison.Ordinal);

    /// <summary>Deletes the temporaries a killed writer left in <paramref name="folder"/> (not below it); only call it while no other writer uses the folder.</summary>
    /// <returns>How many were removed.</returns>
    public static int RemoveTemporaries(string folder)
    {
        if (!Directory.Exists(folder)) return 0;
        int removed = 0;
        foreach (string file in Directory.EnumerateFiles(folder))
        {
            if (!IsTemporary(Path.GetFileName(file))) continue;
            try { File.Delete(file); removed++; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return removed;
    }

    /// <summary>The temporary's name for a target called <paramref name="name"/>: hidden, and cut so that it never exceeds 255 bytes.</summary>
    public static string TemporaryName(string name)
    {
        string suffix = $"{TempMarker}{Environment.ProcessId}-{Random.Shared.Next():x8}";
        int room = MaxNameBytes - 1 - Encoding.UTF8.GetByteCount(suffix);
        return "." + CutUtf8(name, room) + suffix;
    }

    private static OutputTarget Resolve(string path, string? option, bool probe)
    {
        string Prefix() => option is null ? $"cannot write '{Echo.Of(path, 200)}'" : $"{option}: cannot write '{Echo.Of(path, 200)}'";
        if (string.IsNullOrWhiteSpace(path))
            throw new UserInputException($"{option ?? "output"}: the path is empty; give a file name");
        if (path.EndsWith('/') || path.EndsWith(Path.DirectorySeparatorChar))
            throw new UserInputException($"{Prefix()}: it ends in '/', which names a folder; give a file name");
        string full;
        try { full = Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UserInputException($"{Prefix()}: {e.Message}");
        }
        string name = Path.GetFileName(full);
        int nameBytes = Encoding.UTF8.GetByteCount(name);
        if (nameBytes > MaxNameBytes)
            throw new UserInputException($"{Prefix()}: its file name is {nameBytes} bytes, more than the {MaxNameBytes} a file name may have");

        // Whatever this process's stdout or stderr leads to (a terminal, a pipe, the file of `> out`), the user means "print it there".
        if (StandardStream.Named(full, Environment.ProcessId) is { } descriptor)
            return new OutputTarget(full, option, WriteMode.StandardStream, Descriptor: descriptor);
        var itself = FileStat.Of(full, followLinks: false);
        var final = itself.Kind == FileKind.SymbolicLink ? FileStat.Of(full, followLinks: true) : itself;
        switch (final.Kind)
        {
            case FileKind.Directory:
                throw new UserInputException($"{Prefix()}: it is a directory, not a file");
            case FileKind.CharacterDevice or FileKind.Fifo:
                return new OutputTarget(full, option, WriteMode.WriteThrough);
            case FileKind.Missing when itself.Kind == FileKind.SymbolicLink:
                throw new UserInputException($"{Prefix()}: it is a symbolic link to '{Echo.Of(SafeLinkTarget(full), 200)}', which does not exist");
            case FileKind.Socket or FileKind.BlockDevice or FileKind.Unknown:
                throw new UserInputException($"{Prefix()}: it is {FileStat.Describe(final.Kind)}; give a regular file");
        }

        // A link to a regular file: replace the file it leads to, keeping the link.
        string destination = itself.Kind == FileKind.SymbolicLink ? SafeFinalTarget(full) : full;
        string folder = Path.GetDirectoryName(destination)!;
        if (final.Kind == FileKind.Regular) RefuseUnreplaceable(folder, final, Prefix());
        if (probe) Probe(folder, Path.GetFileName(destination), Prefix());
        return new OutputTarget(full, option, WriteMode.Replace, destination);
    }

    private static void RefuseUnreplaceable(string folder, FileStat file, string prefix)
    {
        if (WhyUnreplaceable(file, FileStat.Of(folder), Posix.EffectiveUserId) is { } why)
            throw new UserInputException($"{prefix}: {why.Replace("{folder}", folder, StringComparison.Ordinal)}");
    }

    /// <summary>Why an existing regular <paramref name="file"/> in <paramref name="folder"/> cannot be renamed over by user <paramref name="effectiveUid"/>, or null when it can.</summary>
    /// <remarks>The rename would fail after the work with EPERM; saying so before it is the point. "{folder}" stands for the folder's path.</remarks>
    public static string? WhyUnreplaceable(FileStat file, FileStat folder, uint? effectiveUid)
    {
        if (file.Immutable) return "it is immutable (chattr +i), so it cannot be replaced";
        if (file.AppendOnly) return "it is append-only (chattr +a), so it cannot be replaced";
        if (StickyForbids(folder, file, effectiveUid))
            return $"it belongs to another user (uid {file.OwnerUid}) in the sticky folder '{{folder}}', so it cannot be replaced";
        return null;
    }

    /// <summary>The sticky-folder rule (as /tmp): only the file's owner, the folder's owner or root may replace a file in it.</summary>
    public static bool StickyForbids(FileStat folder, FileStat file, uint? effectiveUid) =>
        folder.Sticky && effectiveUid is { } me && me != 0 && file.OwnerUid is { } owner && owner != me && folder.OwnerUid != me;

    private static void Probe(string folder, string name, string prefix)
    {
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UserInputException($"{prefix}: cannot create folder '{folder}' ({Reason(e)})");
        }
        string probe = Path.Combine(folder, TemporaryName(name));
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The probe's own name in .NET's message would only confuse: say which folder refused.
            throw new UserInputException($"{prefix}: folder '{folder}' is not writable ({Reason(e)})");
        }
        finally
        {
            TryDelete(probe);
        }
    }

    private static void Replace(OutputTarget target, Action<Stream> write)
    {
        string destination = target.Destination!;
        string folder = Path.GetDirectoryName(destination)!;
        string temp = Path.Combine(folder, TemporaryName(Path.GetFileName(destination)));
        try
        {
            Directory.CreateDirectory(folder);
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            KeepMode(destination, temp);
            File.Move(temp, destination, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot write '{Echo.Of(target.Path, 200)}': {Reason(e)}; nothing was written");
        }
        finally
        {
            TryDelete(temp);
        }
    }

    private static void WriteToStandardStream(OutputTarget target, Action<Stream> write)
    {
        try
        {
            using var stream = new BufferedStream(StandardStream.Open(target.Descriptor!.Value), 1 << 16);
            write(stream);
            stream.Flush();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // What reached the stream stays there: it was the user's stream, not a file to roll back.
            throw new UserInputException($"cannot write '{Echo.Of(target.Path, 200)}': {Reason(e)}");
        }
    }

    private static void WriteThrough(OutputTarget target, Action<Stream> write)
    {
        Stream stream;
        if (Posix.Available)
        {
            var handle = Posix.OpenWithoutBlocking(target.Path, write: true, out int errno);
            if (handle is null)
                throw new UserInputException(errno == Posix.Enxio
                    ? $"cannot write '{Echo.Of(target.Path, 200)}': it is a FIFO that no process is reading"
                    : $"cannot write '{Echo.Of(target.Path, 200)}': {Posix.Describe(errno)}");
            stream = new FileStream(handle, FileAccess.Write, bufferSize: 1 << 16);
        }
        else
        {
            try { stream = new FileStream(target.Path, FileMode.Open, FileAccess.Write); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserInputException($"cannot write '{Echo.Of(target.Path, 200)}': {Reason(e)}");
            }
        }
        try
        {
            using (stream)
            {
                write(stream);
                stream.Flush();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A device or stream may have taken part of it; there is no file to roll back.
            throw new UserInputException($"cannot write '{Echo.Of(target.Path, 200)}': {Reason(e)}");
        }
    }

    // A replaced file keeps its permissions (a private 0600 result stays private).
    private static void KeepMode(string destination, string temp)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(destination)) return;
        try { File.SetUnixFileMode(temp, File.GetUnixFileMode(destination)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static string SafeFinalTarget(string link)
    {
        try { return File.ResolveLinkTarget(link, returnFinalTarget: true)?.FullName ?? link; }
        catch (IOException) { return link; }
    }

    private static string SafeLinkTarget(string link)
    {
        try { return new FileInfo(link).LinkTarget ?? "?"; }
        catch (IOException) { return "?"; }
    }

    private static void TryDelete(string path)
    {
        try { if (File.Exists(path)) File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>The OS's words for a failure, without .NET's quoting of the path (the message names it already).</summary>
    internal static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        FileNotFoundException or DirectoryNotFoundException => "no such file or directory",
        // On Unix an IOException's HResult is the errno.
        IOException io when !OperatingSystem.IsWindows() && io.HResult is > 0 and < 4096 => Posix.Describe(io.HResult),
        _ => e.Message.Split(" : '", 2)[0].TrimEnd('.', ' '),
    };

    private static string CutUtf8(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes) return text;
        var sb = new StringBuilder();
        int bytes = 0;
        foreach (Rune r in text.EnumerateRunes())
        {
            if (bytes + r.Utf8SequenceLength > maxBytes) break;
            sb.Append(r.ToString());
            bytes += r.Utf8SequenceLength;
        }
        return sb.ToString();
    }
}

/// <summary>How a checked destination is written.</summary>
public enum WriteMode
{
    /// <summary>A regular file, new or replaced: temporary file, flush, rename.</summary>
    Replace,
    /// <summary>An existing device or FIFO: opened and written in place.</summary>
    WriteThrough,
    /// <summary>This process's own standard output or error: written through the descriptor it inherited, after what it printed.</summary>
    StandardStream,
}

/// <summary>A destination checked before the work.</summary>
/// <param name="Path">The full path as the user named it.</param>
/// <param name="Option">The option that named it, for messages (null at write time).</param>
/// <param name="Destination">The regular file a <see cref="WriteMode.Replace"/> renames over (a link's final target); null when written through.</param>
/// <param name="Descriptor">The inherited descriptor a <see cref="WriteMode.StandardStream"/> writes to (1 or 2); null otherwise.</param>
public sealed record OutputTarget(string Path, string? Option, WriteMode Mode, string? Destination = null, int? Descriptor = null);

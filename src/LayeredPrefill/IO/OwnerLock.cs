namespace LayeredPrefill.IO;

/// <summary>
/// An exclusive lock on a folder's work, held by one process: a lock file holding the owner's pid, locked with the
/// operating system's advisory lock (flock, which .NET takes for <see cref="FileShare.None"/>). The kernel drops the
/// lock when its process ends, however it ends, so a SIGKILLed owner never leaves a folder locked; the file stays
/// (deleting it would let two processes lock two different files of the same name).
/// </summary>
public sealed class OwnerLock : IDisposable
{
    private readonly FileStream _stream;

    private OwnerLock(FileStream stream, string path) { _stream = stream; Path = path; }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>Takes the lock at <paramref name="path"/>, or refuses in one line naming <paramref name="what"/> and the owner's pid.</summary>
    public static OwnerLock Acquire(string path, string what)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            string owner = Posix.ReadSmallFile(path, 64)?.Trim() is { Length: > 0 } pid ? $"process {pid}" : "another process";
            throw new UserInputException($"{what}: {owner} is running it (lock file {path}); wait for it to finish, or use another --name");
        }
        catch (UnauthorizedAccessException)
        {
            throw new UserInputException($"{what}: cannot write its lock file {path} (permission denied)");
        }
        stream.SetLength(0);
        using (var w = new StreamWriter(stream, leaveOpen: true)) w.Write($"{Environment.ProcessId}\n");
        stream.Flush(flushToDisk: true);
        return new OwnerLock(stream, path);
    }

    /// <summary>Releases the lock (the file stays; its pid is stale once unlocked).</summary>
    public void Dispose() => _stream.Dispose();
}

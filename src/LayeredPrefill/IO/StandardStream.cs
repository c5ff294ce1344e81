namespace LayeredPrefill.IO;

/// <summary>Paths that name this process's own standard output or error, and the one way to write to them.</summary>
/// <remarks>
/// Opening such a path anew (the kernel reopens /proc/self/fd/1) makes a second file description. On a regular file that
/// description starts at offset 0 and is not truncated, so `--output /dev/stdout > file` would overwrite what the process
/// had already printed and keep the old file's tail. The inherited descriptor shares the shell's offset (and its O_APPEND
/// for `>>`), so output through it lands after what came before, as with any other print.
/// </remarks>
internal static class StandardStream
{
    /// <summary>1 (standard output) or 2 (standard error) when <paramref name="fullPath"/> names it for process <paramref name="processId"/>; else null.</summary>
    public static int? Named(string fullPath, int processId)
    {
        if (fullPath == "/dev/stdout") return 1;
        if (fullPath == "/dev/stderr") return 2;
        string? number = After(fullPath, "/dev/fd/") ?? After(fullPath, "/proc/self/fd/") ?? After(fullPath, "/proc/thread-self/fd/")
            ?? After(fullPath, $"/proc/{processId}/fd/");
        return number switch { "1" => 1, "2" => 2, _ => null };
    }

    /// <summary>A stream onto inherited descriptor <paramref name="descriptor"/> (1 or 2), after what the process printed there.</summary>
    /// <remarks>
    /// Console's streams write(2) the descriptor at its shared offset; a FileStream on the same handle would pwrite at a position
    /// of its own, which later prints do not see. What Console's writer holds is flushed first, so the two keep their order.
    /// </remarks>
    public static Stream Open(int descriptor)
    {
        if (descriptor == 1)
        {
            Console.Out.Flush();
            return Console.OpenStandardOutput();
        }
        Console.Error.Flush();
        return Console.OpenStandardError();
    }

    private static string? After(string path, string folder) => path.StartsWith(folder, StringComparison.Ordinal) ? path[folder.Length..] : null;
}

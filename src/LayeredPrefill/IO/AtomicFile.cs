using System.Text;

namespace LayeredPrefill.IO;

/// <summary>Writes files so that a reader never sees half of one: a temporary file in the same folder, then a rename.</summary>
public static class AtomicFile
{
    /// <summary>Checks early that <paramref name="path"/> can be written (its folder exists or can be made, and is writable), naming <paramref name="option"/> if not.</summary>
    public static string EnsureWritable(string path, string option)
    {
        try
        {
            string full = Path.GetFullPath(path);
            if (Directory.Exists(full)) throw new UserInputException($"{option}: '{path}' is a directory, not a file");
            string dir = Path.GetDirectoryName(full)!;
            Directory.CreateDirectory(dir);
            string probe = Path.Combine(dir, $".write-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
            try
            {
                File.WriteAllText(probe, "");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The probe's own name in .NET's message would only confuse: say which folder refused.
                throw new UserInputException($"{option}: cannot write '{path}': folder '{dir}' is not writable ({e.GetType().Name})");
            }
            File.Delete(probe);
            return full;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UserInputException($"{option}: cannot write '{path}': {e.Message}");
        }
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM) to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = $"{full}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}

using System.Diagnostics;
using System.Runtime.InteropServices;

namespace LayeredPrefill.Tests.IO;

/// <summary>FIFOs, file attributes and users for the writer and reader tests, made with the same system calls a user's shell would.</summary>
internal static partial class SpecialFiles
{
    [LibraryImport("libc", EntryPoint = "mkfifo", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MkFifo(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    /// <summary>True when the tests run as root (CI does).</summary>
    public static bool IsRoot => OperatingSystem.IsLinux() && GetEuid() == 0;

    /// <summary>Makes a FIFO at <paramref name="path"/>.</summary>
    public static void Fifo(string path) => Assert.Equal(0, MkFifo(path, 0x1b6 /* 0666 */));

    /// <summary>Runs a program and returns its exit code and output (for chattr, mount, setpriv).</summary>
    public static (int Code, string Output) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args) start.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(start)!;
            string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message); // the program is not installed
        }
    }

    /// <summary>Sets or clears chattr's immutable flag; false when the file system or the user cannot.</summary>
    public static bool Immutable(string path, bool on) => Run("chattr", on ? "+i" : "-i", path).Code == 0;
}

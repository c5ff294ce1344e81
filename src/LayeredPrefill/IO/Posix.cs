using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace LayeredPrefill.IO;

/// <summary>The few Linux calls .NET does not expose: a file's type and attributes (statx), opening without blocking, the effective uid.</summary>
/// <remarks>
/// statx's struct has the same layout on every Linux architecture, unlike stat's, so one declaration serves x64 and arm64.
/// Off Linux (or on a kernel without statx) the callers fall back to what System.IO can tell.
/// </remarks>
internal static partial class Posix
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const int StatxSize = 256;

    /// <summary>open(2) flags shared by x64 and arm64 Linux.</summary>
    public const int ReadOnly = 0, WriteOnly = 1, NoCtty = 0x100, NonBlock = 0x800, CloseOnExec = 0x80000;

    /// <summary>errno values this project names.</summary>
    public const int Eperm = 1, Enoent = 2, Enxio = 6, Eacces = 13, Enotdir = 20, Enospc = 28;

    private const int FGetFl = 3, FSetFl = 4;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int StatxNative(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int FcntlNative(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseNative(int fd);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint ReadNative(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuidNative();

    /// <summary>True where these calls exist.</summary>
    public static bool Available => OperatingSystem.IsLinux();

    /// <summary>The raw statx fields the writer and reader need, or null (with the errno) when the call failed.</summary>
    public static (uint Mode, uint Uid, ulong Attributes, ulong AttributesMask, long Size)? Statx(string path, bool followLinks, out int errno)
    {
        errno = 0;
        if (!Available) return null;
        Span<byte> buffer = stackalloc byte[StatxSize];
        buffer.Clear();
        int rc;
        try
        {
            unsafe
            {
                fixed (byte* p = buffer) rc = StatxNative(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxBasicStats, p);
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
        if (rc != 0) { errno = Marshal.GetLastPInvokeError(); return null; }
        // struct statx: stx_mask u32 @0, stx_blksize u32 @4, stx_attributes u64 @8, stx_nlink u32 @16, stx_uid u32 @20,
        // stx_gid u32 @24, stx_mode u16 @28, stx_ino u64 @32, stx_size u64 @40, stx_blocks u64 @48, stx_attributes_mask u64 @56.
        ulong attributes = BitConverter.ToUInt64(buffer[8..]);
        uint uid = BitConverter.ToUInt32(buffer[20..]);
        uint mode = BitConverter.ToUInt16(buffer[28..]);
        long size = (long)BitConverter.ToUInt64(buffer[40..]);
        ulong mask = BitConverter.ToUInt64(buffer[56..]);
        return (mode, uid, attributes, mask, size);
    }

    /// <summary>Opens <paramref name="path"/> with O_NONBLOCK (so a FIFO never blocks the open), then clears it for ordinary blocking I/O.</summary>
    /// <returns>The handle, or null with the errno (ENXIO: a FIFO opened for writing has no reader).</returns>
    public static SafeFileHandle? OpenWithoutBlocking(string path, bool write, out int errno)
    {
        errno = 0;
        int fd = OpenNative(path, (write ? WriteOnly : ReadOnly) | NonBlock | CloseOnExec | NoCtty, 0);
        if (fd < 0) { errno = Marshal.GetLastPInvokeError(); return null; }
        int flags = FcntlNative(fd, FGetFl, 0);
        if (flags < 0 || FcntlNative(fd, FSetFl, flags & ~NonBlock) < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            CloseNative(fd);
            return null;
        }
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Up to <paramref name="maxBytes"/> of a small file, read without taking the advisory lock .NET's FileStream takes (so a file another process holds locked can still be read).</summary>
    public static unsafe string? ReadSmallFile(string path, int maxBytes)
    {
        if (!Available) return null;
        int fd = OpenNative(path, ReadOnly | CloseOnExec | NonBlock, 0);
        if (fd < 0) return null;
        try
        {
            var buffer = new byte[maxBytes];
            nint n;
            fixed (byte* p = buffer) n = ReadNative(fd, p, maxBytes);
            return n < 0 ? null : System.Text.Encoding.UTF8.GetString(buffer, 0, (int)n);
        }
        finally
        {
            CloseNative(fd);
        }
    }

    /// <summary>The effective user id (0 = root), or null off Linux.</summary>
    public static uint? EffectiveUserId => Available ? GetEuidNative() : null;

    /// <summary>The errno's text as the C library words it.</summary>
    public static string Describe(int errno) => errno switch
    {
        Eperm => "operation not permitted",
        Enoent => "no such file or directory",
        Enxio => "no process has it open for reading",
        Eacces => "permission denied",
        Enospc => "no space left on device",
        _ => LowerFirst(Marshal.GetPInvokeErrorMessage(errno)),
    };

    private static string LowerFirst(string text) => text.Length > 1 && char.IsUpper(text[0]) && char.IsLower(text[1]) ? char.ToLowerInvariant(text[0]) + text[1..] : text;
}

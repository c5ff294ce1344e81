namespace LayeredPrefill.IO;

/// <summary>What a path is: nothing, a regular file, a folder, a device, a FIFO, a socket or a symbolic link.</summary>
public enum FileKind { Missing, Regular, Directory, CharacterDevice, BlockDevice, Fifo, Socket, SymbolicLink, Unknown }

/// <summary>The type, owner, size and immutability of one path, as the writer and the bounded reader need them.</summary>
/// <param name="OwnerUid">Owner's uid (null where unknown).</param>
/// <param name="Immutable">chattr +i: nobody, root included, may replace or change it.</param>
/// <param name="AppendOnly">chattr +a: it may only grow; replacing it fails.</param>
/// <param name="Sticky">A folder whose files only their owner (or the folder's owner, or root) may replace, as /tmp.</param>
public sealed record FileStat(FileKind Kind, uint? OwnerUid, long Size, bool Immutable, bool AppendOnly, bool Sticky)
{
    private const uint TypeMask = 0xF000, RegularType = 0x8000, DirectoryType = 0x4000, CharType = 0x2000, BlockType = 0x6000,
        FifoType = 0x1000, LinkType = 0xA000, SocketType = 0xC000, StickyBit = 0x200;
    private const ulong ImmutableAttribute = 0x10, AppendAttribute = 0x20;

    /// <summary>A path that does not exist.</summary>
    public static FileStat Missing { get; } = new(FileKind.Missing, null, 0, false, false, false);

    /// <summary>Looks at <paramref name="path"/> itself (<paramref name="followLinks"/> false) or at what its links lead to.</summary>
    public static FileStat Of(string path, bool followLinks = true)
    {
        if (Posix.Statx(path, followLinks, out int errno) is { } s)
        {
            var kind = (s.Mode & TypeMask) switch
            {
                RegularType => FileKind.Regular,
                DirectoryType => FileKind.Directory,
                CharType => FileKind.CharacterDevice,
                BlockType => FileKind.BlockDevice,
                FifoType => FileKind.Fifo,
                LinkType => FileKind.SymbolicLink,
                SocketType => FileKind.Socket,
                _ => FileKind.Unknown,
            };
            return new FileStat(kind, s.Uid, s.Size, (s.Attributes & s.AttributesMask & ImmutableAttribute) != 0,
                (s.Attributes & s.AttributesMask & AppendAttribute) != 0, (s.Mode & StickyBit) != 0);
        }
        // A path (or a link's target) that is not there. System.IO would call a dangling link an existing file.
        if (errno is Posix.Enoent or Posix.Enotdir) return Missing;
        // Off Linux, or when statx failed otherwise: what System.IO can tell (a missing path, a folder, a link or a file).
        var info = new FileInfo(path);
        if (!followLinks && info.LinkTarget is not null) return new FileStat(FileKind.SymbolicLink, null, 0, false, false, false);
        if (Directory.Exists(path)) return new FileStat(FileKind.Directory, null, 0, false, false, false);
        if (File.Exists(path)) return new FileStat(FileKind.Regular, null, SafeLength(info), false, false, false);
        return Missing;
    }

    /// <summary>Words for the kind, for messages ("a FIFO", "a character device").</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Regular => "a file",
        FileKind.Directory => "a directory",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Fifo => "a FIFO",
        FileKind.Socket => "a socket",
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.Missing => "missing",
        _ => "not a regular file",
    };

    private static long SafeLength(FileInfo info)
    {
        try { return info.Length; }
        catch (IOException) { return 0; }
    }
}

using System.Text;
using LayeredPrefill.IO;

namespace LayeredPrefill.Tests.IO;

/// <summary>The one writer: bounded temporary names, destinations checked before the work, devices and FIFOs written through
/// (never replaced), this process's stdout and stderr through their descriptors, any I/O failure one line with the previous
/// file untouched and nothing left behind.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lp-writer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string[] FilesHere() => Directory.GetFiles(_dir).Select(Path.GetFileName).Order().ToArray()!;

    [Theory]
    [InlineData(1, "a")]
    [InlineData(250, "a")]
    [InlineData(255, "a")]
    [InlineData(127, "é")]  // 254 bytes of two-byte characters
    [InlineData(85, "€")]   // 255 bytes of three-byte characters
    public void Temporary_names_are_hidden_marked_and_never_longer_than_255_bytes(int count, string unit)
    {
        string name = string.Concat(Enumerable.Repeat(unit, count));
        string temp = AtomicFile.TemporaryName(name);
        Assert.StartsWith(".", temp);
        Assert.True(AtomicFile.IsTemporary(temp));
        Assert.InRange(Encoding.UTF8.GetByteCount(temp), 1, AtomicFile.MaxNameBytes);
        Assert.DoesNotContain('\uFFFD', temp); // cut at a character, never inside one
    }

    [Fact]
    public void A_250_character_file_name_is_written_whole_and_alone()
    {
        string path = Path.Combine(_dir, new string('a', 245) + ".json");
        AtomicFile.Check(path, "--output");
        AtomicFile.WriteAllText(path, "{\"x\": 1}\n");
        Assert.Equal("{\"x\": 1}\n", File.ReadAllText(path));
        Assert.Equal([Path.GetFileName(path)], FilesHere());
    }

    [Theory]
    [InlineData("")]
    [InlineData("folder/")]
    public void Empty_paths_and_folder_names_are_refused_before_the_work(string relative)
    {
        string path = relative.Length == 0 ? "" : Path.Combine(_dir, relative);
        var e = Assert.Throws<UserInputException>(() => AtomicFile.Check(path, "--output"));
        Assert.StartsWith("--output: ", e.Message);
        Assert.Empty(FilesHere());
    }

    [Fact]
    public void A_name_longer_than_255_bytes_is_refused_before_the_work()
    {
        var e = Assert.Throws<UserInputException>(() => AtomicFile.Check(Path.Combine(_dir, new string('b', 256)), "--output"));
        Assert.Contains("more than the 255", e.Message);
    }

    [Fact]
    public void A_failure_while_writing_keeps_the_previous_file_and_leaves_no_temporary()
    {
        string path = Path.Combine(_dir, "result.json");
        File.WriteAllText(path, "previous\n");
        // What a full disk does: the write stream throws ENOSPC (errno 28) part way.
        var e = Assert.Throws<UserInputException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[4096]);
            throw new IOException("No space left on device", 28);
        }));
        Assert.Contains("no space left on device", e.Message);
        Assert.Contains("nothing was written", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal("previous\n", File.ReadAllText(path));
        Assert.Equal(["result.json"], FilesHere());
    }

    [Fact]
    public void Replacing_a_file_keeps_its_permissions()
    {
        if (OperatingSystem.IsWindows()) return;
        string path = Path.Combine(_dir, "private.json");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        AtomicFile.WriteAllText(path, "new");
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void A_link_to_a_file_keeps_being_a_link_and_its_target_is_replaced()
    {
        if (OperatingSystem.IsWindows()) return;
        string target = Path.Combine(_dir, "real.json"), link = Path.Combine(_dir, "link.json");
        File.WriteAllText(target, "old");
        File.CreateSymbolicLink(link, target);
        AtomicFile.Check(link, "--output");
        AtomicFile.WriteAllText(link, "new");
        Assert.Equal("new", File.ReadAllText(target));
        Assert.NotNull(new FileInfo(link).LinkTarget);
    }

    [Fact]
    public void A_link_to_nothing_is_refused_before_the_work()
    {
        if (OperatingSystem.IsWindows()) return;
        string link = Path.Combine(_dir, "dangling.json");
        File.CreateSymbolicLink(link, Path.Combine(_dir, "missing", "x.json"));
        var e = Assert.Throws<UserInputException>(() => AtomicFile.Check(link, "--output"));
        Assert.Contains("which does not exist", e.Message);
    }

    [Fact]
    public void Devices_are_written_through_and_stay_devices()
    {
        if (!OperatingSystem.IsLinux()) return;
        Assert.Equal(WriteMode.WriteThrough, AtomicFile.Check("/dev/null", "--output").Mode);
        AtomicFile.WriteAllText("/dev/null", "discarded");
        // /dev/full fails every write with ENOSPC: one line, and the device is still the device (as root it was replaced).
        var e = Assert.Throws<UserInputException>(() => AtomicFile.WriteAllText("/dev/full", "{}"));
        Assert.Equal("cannot write '/dev/full': no space left on device", e.Message);
        Assert.Equal(FileKind.CharacterDevice, FileStat.Of("/dev/full", followLinks: false).Kind);
        Assert.Equal(FileKind.CharacterDevice, FileStat.Of("/dev/null", followLinks: false).Kind);
    }

    [Fact]
    public void A_regular_file_under_dev_shm_is_replaced_not_overwritten_in_place()
    {
        if (!Directory.Exists("/dev/shm")) return;
        string path = Path.Combine("/dev/shm", $"lp-writer-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, "a much longer previous result\n");
            Assert.Equal(WriteMode.Replace, AtomicFile.Check(path, "--output").Mode);
            AtomicFile.WriteAllText(path, "{}\n");
            Assert.Equal("{}\n", File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("/dev/stdout", 1)]
    [InlineData("/dev/stderr", 2)]
    [InlineData("/dev/fd/1", 1)]
    [InlineData("/dev/fd/2", 2)]
    [InlineData("/proc/self/fd/1", 1)]
    [InlineData("/proc/self/fd/2", 2)]
    [InlineData("/proc/{pid}/fd/1", 1)]
    [InlineData("/proc/{pid}/fd/2", 2)]
    [InlineData("/dev/fd/0", null)]
    [InlineData("/dev/fd/3", null)]
    [InlineData("/dev/fd/10", null)]
    [InlineData("/proc/{other}/fd/1", null)]
    [InlineData("/dev/shm/out.json", null)]
    [InlineData("/dev/null", null)]
    public void Only_this_processs_stdout_and_stderr_are_its_standard_streams(string path, int? descriptor)
    {
        string full = path.Replace("{pid}", "4242").Replace("{other}", "4243");
        Assert.Equal(descriptor, StandardStream.Named(full, processId: 4242));
    }

    [Fact]
    public void Stdout_and_stderr_are_written_through_the_inherited_descriptor()
    {
        if (OperatingSystem.IsWindows()) return;
        var target = AtomicFile.Check("/dev/stdout", "--output");
        Assert.Equal(WriteMode.StandardStream, target.Mode);
        Assert.Equal(1, target.Descriptor);
        Assert.Equal(2, AtomicFile.Check($"/proc/{Environment.ProcessId}/fd/2", "--output").Descriptor);
    }

    [Fact]
    public async Task A_fifo_is_written_through_to_its_reader_and_refused_without_one()
    {
        if (!OperatingSystem.IsLinux()) return;
        string fifo = Path.Combine(_dir, "pipe");
        SpecialFiles.Fifo(fifo);
        Assert.Equal(WriteMode.WriteThrough, AtomicFile.Check(fifo, "--output").Mode);
        var e = Assert.Throws<UserInputException>(() => AtomicFile.WriteAllText(fifo, "lost"));
        Assert.Contains("no process is reading", e.Message);

        // A reader as a shell's `cat fifo` is: its open waits for a writer. The write is tried until the reader is in open().
        var received = Task.Run(() => File.ReadAllText(fifo));
        for (int attempt = 0; ; attempt++)
        {
            try { AtomicFile.WriteAllText(fifo, "through the pipe\n"); break; }
            catch (UserInputException) when (attempt < 1000) { await Task.Delay(10); }
        }
        Assert.Equal("through the pipe\n", await received);
        Assert.Equal(FileKind.Fifo, FileStat.Of(fifo, followLinks: false).Kind);
    }

    [Fact]
    public void Immutable_append_only_and_sticky_rules_decide_before_the_work()
    {
        var file = new FileStat(FileKind.Regular, OwnerUid: 1000, Size: 1, Immutable: false, AppendOnly: false, Sticky: false);
        var stickyTmp = new FileStat(FileKind.Directory, OwnerUid: 0, Size: 0, Immutable: false, AppendOnly: false, Sticky: true);
        var plain = stickyTmp with { Sticky = false };
        Assert.Null(AtomicFile.WhyUnreplaceable(file, plain, 2000));
        Assert.Contains("immutable", AtomicFile.WhyUnreplaceable(file with { Immutable = true }, plain, 0)); // even root
        Assert.Contains("append-only", AtomicFile.WhyUnreplaceable(file with { AppendOnly = true }, plain, 0));
        Assert.Contains("another user (uid 1000)", AtomicFile.WhyUnreplaceable(file, stickyTmp, 2000));
        Assert.Null(AtomicFile.WhyUnreplaceable(file, stickyTmp, 1000));                         // the owner may
        Assert.Null(AtomicFile.WhyUnreplaceable(file, stickyTmp with { OwnerUid = 2000 }, 2000)); // the folder's owner may
        Assert.Null(AtomicFile.WhyUnreplaceable(file, stickyTmp, 0));                             // root may
    }

    [Fact]
    public void A_really_immutable_file_is_refused_before_the_work_where_the_file_system_has_the_flag()
    {
        string path = Path.Combine(_dir, "locked.json");
        File.WriteAllText(path, "keep");
        if (!SpecialFiles.Immutable(path, on: true))
        {
            // No chattr here (not root, or tmpfs/overlay without the flag): the decision is held by the rule test above.
            Assert.False(FileStat.Of(path).Immutable);
            return;
        }
        try
        {
            Assert.True(FileStat.Of(path).Immutable);
            var e = Assert.Throws<UserInputException>(() => AtomicFile.Check(path, "--output"));
            Assert.Equal($"--output: cannot write '{path}': it is immutable (chattr +i), so it cannot be replaced", e.Message);
            Assert.Equal("keep", File.ReadAllText(path));
        }
        finally
        {
            SpecialFiles.Immutable(path, on: false);
        }
    }

    [Fact]
    public void Stale_temporaries_are_removed_and_nothing_else()
    {
        File.WriteAllText(Path.Combine(_dir, "point.json"), "{}");
        File.WriteAllText(Path.Combine(_dir, AtomicFile.TemporaryName("point.json")), "half");
        File.WriteAllText(Path.Combine(_dir, "old-style.json.tmp-123-0123456789abcdef0123456789abcdef"), "half");
        Assert.Equal(2, AtomicFile.RemoveTemporaries(_dir));
        Assert.Equal(["point.json"], FilesHere());
    }
}

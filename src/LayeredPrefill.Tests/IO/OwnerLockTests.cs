using LayeredPrefill.IO;

namespace LayeredPrefill.Tests.IO;

/// <summary>The lock a sweep holds on its folder: one owner at a time, named by pid, released when it ends.</summary>
public sealed class OwnerLockTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lp-lock-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_second_owner_is_refused_naming_the_first_and_gets_it_once_released()
    {
        string path = Path.Combine(_dir, ".lock");
        var first = OwnerLock.Acquire(path, "sweep 'x'");
        Assert.Equal($"{Environment.ProcessId}\n", Posix.ReadSmallFile(path, 64) ?? $"{Environment.ProcessId}\n");
        var e = Assert.Throws<UserInputException>(() => OwnerLock.Acquire(path, "sweep 'x'"));
        Assert.Equal($"sweep 'x': process {Environment.ProcessId} is running it (lock file {path}); wait for it to finish, or use another --name", e.Message);
        first.Dispose();
        using var second = OwnerLock.Acquire(path, "sweep 'x'");
        Assert.True(File.Exists(path)); // the file stays: deleting it would let two owners lock two files of one name
    }
}

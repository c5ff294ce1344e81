using System.Globalization;

namespace LayeredPrefill.Kernels;

/// <summary>How much memory this machine can still give the process: the kernel's MemAvailable, within a cgroup's limit.</summary>
/// <remarks>
/// The GC's TotalAvailableMemoryBytes is the machine's (or container's) whole memory, not what is free: a check against
/// it lets a model start that the OOM killer then ends. Off Linux the GC's figure is the fallback.
/// </remarks>
public static class HostMemory
{
    /// <summary>Bytes available now.</summary>
    public static long AvailableBytes()
    {
        long total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        long available = total;
        if (ReadKilobytes("/proc/meminfo", "MemAvailable:") is { } free) available = Math.Min(available, free);
        if (CgroupRoom() is { } room) available = Math.Min(available, room);
        return available;
    }

    private static long? ReadKilobytes(string path, string key)
    {
        try
        {
            foreach (string line in File.ReadLines(path))
                if (line.StartsWith(key, StringComparison.Ordinal)
                    && long.TryParse(line[key.Length..].Trim().Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out long kb))
                    return kb * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }

    // cgroup v2: memory.max minus memory.current of this process's group ("max" = no limit).
    private static long? CgroupRoom()
    {
        try
        {
            string max = File.ReadAllText("/sys/fs/cgroup/memory.max").Trim();
            string current = File.ReadAllText("/sys/fs/cgroup/memory.current").Trim();
            if (long.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out long limit)
                && long.TryParse(current, NumberStyles.None, CultureInfo.InvariantCulture, out long used))
                return Math.Max(0, limit - used);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }
}

using System.Runtime.InteropServices;
using Perfolizer.Horology;

namespace LayeredPrefill.Benchmarks.Config;

/// <summary>
/// A BenchmarkDotNet clock that reads this process's CPU time (Linux CLOCK_PROCESS_CPUTIME_ID, ns).
/// The CI job uses it because CI shares 2 cores with other work: wall-clock time then measures the
/// neighbours' load (we saw 2–6× spreads), while CPU time counts only the work this process does,
/// which is what a code regression changes. Multi-threaded cases report the CPU time of all threads.
/// </summary>
public sealed class ProcessCpuClock : IClock
{
    /// <summary>The one instance.</summary>
    public static readonly ProcessCpuClock Instance = new();

    private const int ClockProcessCpuTimeId = 2;

    public string Title => "Process CPU time";

    /// <summary>True on Linux where clock_gettime answers for the process CPU clock.</summary>
    public bool IsAvailable { get; } = Probe();

    public Frequency Frequency => new(1e9);

    public long GetTimestamp()
    {
        ClockGetTime(ClockProcessCpuTimeId, out var time);
        return time.Seconds * 1_000_000_000L + time.Nanoseconds;
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess) return false;
        try
        {
            return ClockGetTime(ClockProcessCpuTimeId, out _) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clockId, out Timespec time);
}

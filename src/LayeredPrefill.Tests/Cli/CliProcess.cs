using System.Diagnostics;
using System.Runtime.InteropServices;

namespace LayeredPrefill.Tests.Cli;

/// <summary>The built CLI as a child process, its output collected line by line, and a way to send it SIGINT or SIGKILL.</summary>
internal sealed class CliProcess : IDisposable
{
    private const int SigInt = 2, SigKill = 9;
    private readonly Process _process;
    private readonly List<string> _stdout = [], _stderr = [];
    private readonly ManualResetEventSlim _seen = new();
    private readonly Func<string, bool> _trigger;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>The host that runs the CLI's dll.</summary>
    public static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    /// <summary>Starts `layered-prefill args`; <paramref name="trigger"/> picks the output line that <see cref="WaitFor"/> waits for.</summary>
    /// <param name="launcher">A program and its arguments to start the CLI through (e.g. setpriv to run it as another user).</param>
    /// <param name="cliFolder">Where layered-prefill.dll is (default: next to the tests).</param>
    public CliProcess(IEnumerable<string> args, Func<string, bool> trigger, IReadOnlyList<string>? launcher = null, string? cliFolder = null)
    {
        _trigger = trigger;
        var start = new ProcessStartInfo(launcher is { Count: > 0 } ? launcher[0] : DotnetHost)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (launcher is { Count: > 0 })
        {
            foreach (string a in launcher.Skip(1)) start.ArgumentList.Add(a);
            start.ArgumentList.Add(DotnetHost);
        }
        start.ArgumentList.Add(Path.Combine(cliFolder ?? AppContext.BaseDirectory, "layered-prefill.dll"));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Collect(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string[] StdOut { get { lock (_stdout) return _stdout.ToArray(); } }
    public string[] StdErr { get { lock (_stderr) return _stderr.ToArray(); } }
    public string Transcript => string.Join("\n", StdErr.Concat(StdOut));

    private void Collect(List<string> lines, string? line)
    {
        if (line is null) return;
        lock (lines) lines.Add(line);
        if (_trigger(line)) _seen.Set();
    }

    /// <summary>Waits until the trigger line appears (true), or the process ends or minutes pass without it (false).</summary>
    public bool WaitFor()
    {
        for (int i = 0; i < 1200; i++)
        {
            if (_seen.Wait(100)) return true;
            if (_process.HasExited) return _seen.IsSet;
        }
        return false;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Sends Ctrl-C's signal.</summary>
    public void Interrupt() => Assert.Equal(0, kill(_process.Id, SigInt));

    /// <summary>Sends SIGKILL: the process ends at once, with no handler, finally block or flush running.</summary>
    public void HardKill()
    {
        if (!_process.HasExited) kill(_process.Id, SigKill);
    }

    /// <summary>The exit code once the process ends (killed and failed after a few minutes, so a hang cannot stall CI forever).</summary>
    public int Exit()
    {
        if (!_process.WaitForExit(TimeSpan.FromMinutes(3))) { _process.Kill(); Assert.Fail("the CLI did not exit: " + Transcript); }
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
        _seen.Dispose();
    }
}

using System.Diagnostics;
using System.Globalization;
using LayeredPrefill.Serving;

namespace LayeredPrefill.Cli.Output;

/// <summary>
/// A progress line on stderr for a serving run that lasts: iterations done, simulated time, requests finished and an ETA. Silent
/// for the first two seconds (a roofline run is usually over by then); then every second on a terminal (one line, rewritten),
/// every ten seconds otherwise (one line each, for logs).
/// </summary>
internal sealed class ServeProgress(string policy)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(2);
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly bool _terminal = !Console.IsErrorRedirected;
    private TimeSpan _last = TimeSpan.Zero;
    private bool _printed;
    // The first report's time and progress: the ETA runs from there, so the setup before the first iteration (a kernel
    // engine drawing its weights) does not pass for a slow rate of work.
    private (TimeSpan Time, double Fraction)? _first;

    public void Report(ServingProgress p)
    {
        var now = _watch.Elapsed;
        _first ??= (now, p.FractionDone);
        if (now < Quiet || now - _last < (_terminal ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10))) return;
        _last = now;
        _printed = true;
        var (t0, f0) = _first.Value;
        double rate = p.FractionDone > f0 ? (p.FractionDone - f0) / (now - t0).TotalSeconds : 0;
        string eta = rate > 0 ? Duration((1 - p.FractionDone) / rate) : "?";
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{policy}: {p.Iterations} iterations, {p.SimulatedSeconds:F1} simulated s, {p.FinishedRequests}/{p.TotalRequests} requests finished, {p.FractionDone * 100:F0}% of the tokens, {Duration(now.TotalSeconds)} elapsed, ETA {eta}");
        if (_terminal) Console.Error.Write("\r" + line.PadRight(Math.Max(line.Length, 20)));
        else Console.Error.WriteLine(line);
    }

    /// <summary>Ends the rewritten line before the run's summary line.</summary>
    public void Done()
    {
        if (_printed && _terminal) Console.Error.WriteLine();
    }

    private static string Duration(double seconds) => seconds switch
    {
        < 90 => string.Create(CultureInfo.InvariantCulture, $"{seconds:F0} s"),
        < 5400 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:F1} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:F1} h"),
    };
}

using System.Globalization;
using LayeredPrefill.Tests.Cli;
using LayeredPrefill.Workloads;
using Xunit.Abstractions;

namespace LayeredPrefill.Tests.Workloads;

/// <summary>
/// A trace of millions of rows streams through the bounded reader: memory is the rows kept (24 bytes each), not the file.
/// Runs alone (the console collection runs no other test beside it), so the managed heap it samples is its own.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class TraceStreamingTests(ITestOutputHelper output)
{
    private const int Rows = 2_000_000;

    [Fact]
    public void A_two_million_row_trace_is_read_with_bounded_memory()
    {
        string dir = Directory.CreateTempSubdirectory("lp-trace-2m-").FullName;
        try
        {
            string path = Path.Combine(dir, "big.csv");
            using (var w = new StreamWriter(path))
            {
                w.Write("arrived_at,num_prefill_tokens,num_decode_tokens\n");
                for (int i = 0; i < Rows; i++)
                    w.Write(string.Create(CultureInfo.InvariantCulture, $"{i * 0.001:F3},{100 + i % 5000},{1 + i % 300}\n"));
            }
            long fileBytes = new FileInfo(path).Length;

            long before = GC.GetTotalMemory(forceFullCollection: true);
            long peak = before;
            using var stop = new CancellationTokenSource();
            var sampler = new Thread(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    peak = Math.Max(peak, GC.GetTotalMemory(false));
                    Thread.Sleep(1);
                }
            });
            sampler.Start();
            Trace trace = TraceReader.ReadFile(path);
            stop.Cancel();
            sampler.Join();
            peak = Math.Max(peak, GC.GetTotalMemory(false));
            long retained = GC.GetTotalMemory(forceFullCollection: true) - before;

            Assert.Equal(Rows, trace.Rows.Count);
            Assert.Equal(new TraceRow(100 + (Rows - 1) % 5000, 1 + (Rows - 1) % 300, (Rows - 1) * 0.001), trace.Rows[^1]);
            double peakMb = (peak - before) / 1e6, retainedMb = retained / 1e6;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"2,000,000-row trace, {fileBytes / 1e6:F1} MB on disk: peak managed heap while reading +{peakMb:F0} MB, kept {retainedMb:F0} MB ({retained / (double)Rows:F1} bytes per row)"));
            // The rows themselves are 48 MB (24 bytes each); reading the file whole (a 60 MB string and 2M line strings) could not stay under this.
            Assert.InRange(retained, 0, 60_000_000);
            Assert.InRange(peak - before, 0, 160_000_000);
            GC.KeepAlive(trace);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

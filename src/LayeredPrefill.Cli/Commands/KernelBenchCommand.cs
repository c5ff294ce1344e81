using System.CommandLine;
using LayeredPrefill.Cli.KernelBench;
using LayeredPrefill.Cli.Options;
using LayeredPrefill.IO;
using LayeredPrefill.Kernels;

namespace LayeredPrefill.Cli.Commands;

/// <summary>`kernel-bench`: the simd expert FFN at several token counts, beside measured copy bandwidth and OpenBLAS.</summary>
internal static class KernelBenchCommand
{
    private static readonly ExpertShape[] Shapes =
    [
        new("small-moe", 1024, 64, 512, 4),
        new("qwen3-30b-a3b-layer", 2048, 128, 768, 8),
    ];

    internal static Command Create()
    {
        var tokens = new Option<string>("--tokens") { Description = "Token counts, comma-separated", DefaultValueFactory = _ => "1,8,32,128,512,2048" };
        var repeats = new Option<int>("--repeats") { Description = "Timed runs per point (after one warm-up)", DefaultValueFactory = _ => 5 };
        var threads = new Option<int>("--threads") { Description = "Threads for simd and multi-threaded OpenBLAS", DefaultValueFactory = _ => Environment.ProcessorCount };
        var shape = new Option<string>("--shape") { Description = $"One shape ({string.Join(", ", Shapes.Select(s => s.Name))}) or all", DefaultValueFactory = _ => "all" };
        var seed = SharedOptions.Seed("weights and routing");
        var command = new Command("kernel-bench", "Benchmark the simd expert FFN against memory bandwidth and OpenBLAS") { tokens, repeats, threads, shape, seed };
        command.SetAction(parse => CliHost.Guard(() =>
        {
            // Larger counts only allocate gigabytes of activations and run for minutes.
            var counts = CountList.Parse(parse.GetValue(tokens)!, "--tokens", "token count", MaxTokens, $"the {MaxTokens} tokens one expert pass is benchmarked at");
            int reps = parse.GetValue(repeats), n = parse.GetValue(threads);
            // Each repeat re-runs the largest count for seconds: past a thousand the bench only runs for days.
            if (reps is < 1 or > MaxRepeats) throw new UserInputException($"--repeats: must be in [1, {MaxRepeats}] (got {reps})");
            if (n < 1 || n > MaxThreads) throw new UserInputException($"--threads: must be in [1, {MaxThreads}] (got {n})");
            string which = parse.GetValue(shape)!;
            var selected = which == "all" ? Shapes : Shapes.Where(s => s.Name == which).ToArray();
            if (selected.Length == 0) throw new UserInputException($"--shape: unknown shape '{Echo.Of(which)}' (valid: all, {string.Join(", ", Shapes.Select(s => s.Name))})");

            bool blas = OpenBlas.Available;
            long needed = selected.Max(s => ExpertFfnBench.BytesNeeded(s, counts, blas));
            long available = HostMemory.AvailableBytes();
            if (needed > available)
                throw new UserInputException($"kernel-bench: needs {needed / 1e9:F2} GB (weights and activations of the largest --tokens) but the machine has {available / 1e9:F2} GB available; pass fewer or smaller --tokens or one --shape");
            double bandwidth = ExpertFfnBench.CopyBandwidth(n, reps);
            Console.WriteLine($"machine: {Environment.ProcessorCount} logical cores, {n} threads used; copy bandwidth (read+write) {bandwidth / 1e9:F1} GB/s");
            Console.WriteLine(blas ? "OpenBLAS: libopenblas.so.0 (cblas_sgemm on fp32 experts, per-expert GEMMs + the same SiLU loop)" : "OpenBLAS: libopenblas.so.0 is missing (apt-get install -y libopenblas0); BLAS columns empty");
            Console.WriteLine("simd: bf16 expert weights widened to fp32 in the micro-kernel (GB/s counts the bf16 bytes streamed)");
            Console.WriteLine("| shape | T | experts hit | simd µs median (min–max) | GB/s weights | % of copy BW | GFLOP/s | GFLOP/s per thread | BLAS 1t GFLOP/s | BLAS " + n + "t GFLOP/s | simd/thread ÷ BLAS 1t |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var s in selected)
            {
                foreach (var r in new ExpertFfnBench(s, parse.GetValue(seed)).Run(counts, n, reps, blas))
                {
                    double gbs = r.WeightBytes / r.Simd.Median, gflops = r.Flops / r.Simd.Median;
                    string b1 = r.BlasOneThread is { } one ? $"{r.Flops / one.Median / 1e9:F1}" : "-";
                    string bn = r.BlasThreads is { } many ? $"{r.Flops / many.Median / 1e9:F1}" : "-";
                    string ratio = r.BlasOneThread is { } o ? $"{gflops / n / (r.Flops / o.Median) * 100:F0}%" : "-";
                    Console.WriteLine($"| {s.Name} | {r.Tokens} | {r.DistinctExperts} | {r.Simd.Median * 1e6:F0} ({r.Simd.Min * 1e6:F0}–{r.Simd.Max * 1e6:F0}) | {gbs / 1e9:F2} | {gbs / bandwidth * 100:F0}% | {gflops / 1e9:F1} | {gflops / n / 1e9:F1} | {b1} | {bn} | {ratio} |");
                }
            }
            return 0;
        }));
        return command;
    }

    /// <summary>Timed runs per point at most.</summary>
    public const int MaxRepeats = 1000;

    /// <summary>Threads at most.</summary>
    public const int MaxThreads = 1024;

    private const int MaxTokens = 65536;
}

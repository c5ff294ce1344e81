using System.CommandLine;
using LayeredPrefill.Cli.KernelBench;
using LayeredPrefill.Cli.Options;
using LayeredPrefill.Randomness;

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
            var counts = ParseTokens(parse.GetValue(tokens)!);
            int reps = parse.GetValue(repeats), n = parse.GetValue(threads);
            if (reps < 1) throw new UserInputException($"--repeats: must be >= 1 (got {reps})");
            if (n < 1) throw new UserInputException($"--threads: must be >= 1 (got {n})");
            string which = parse.GetValue(shape)!;
            var selected = which == "all" ? Shapes : Shapes.Where(s => s.Name == which).ToArray();
            if (selected.Length == 0) throw new UserInputException($"--shape: unknown shape '{which}' (valid: all, {string.Join(", ", Shapes.Select(s => s.Name))})");

            bool blas = OpenBlas.Available;
            double bandwidth = ExpertFfnBench.CopyBandwidth(n, reps);
            Console.WriteLine($"machine: {Environment.ProcessorCount} logical cores, {n} threads used; copy bandwidth (read+write) {bandwidth / 1e9:F1} GB/s");
            Console.WriteLine(blas ? "OpenBLAS: libopenblas.so.0 (cblas_sgemm, per-expert GEMMs + the same SiLU loop)" : "OpenBLAS: libopenblas.so.0 is missing (apt-get install -y libopenblas0); BLAS columns empty");
            Console.WriteLine("| shape | T | experts hit | simd µs median (min–max) | GB/s weights | % of copy BW | GFLOP/s | GFLOP/s per thread | BLAS 1t GFLOP/s | BLAS " + n + "t GFLOP/s | simd/thread ÷ BLAS 1t |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var s in selected)
            {
                var bench = new ExpertFfnBench(s, parse.GetValue(seed), keepRaw: blas);
                var random = new SeededRandom(parse.GetValue(seed));
                foreach (int t in counts)
                {
                    var r = bench.Run(t, random, n, reps);
                    double gbs = r.WeightBytes / r.Simd.Median, gflops = r.Flops / r.Simd.Median;
                    string b1 = r.BlasOneThread is { } one ? $"{r.Flops / one.Median / 1e9:F1}" : "-";
                    string bn = r.BlasThreads is { } many ? $"{r.Flops / many.Median / 1e9:F1}" : "-";
                    string ratio = r.BlasOneThread is { } o ? $"{gflops / n / (r.Flops / o.Median) * 100:F0}%" : "-";
                    Console.WriteLine($"| {s.Name} | {t} | {r.DistinctExperts} | {r.Simd.Median * 1e6:F0} ({r.Simd.Min * 1e6:F0}–{r.Simd.Max * 1e6:F0}) | {gbs / 1e9:F2} | {gbs / bandwidth * 100:F0}% | {gflops / 1e9:F1} | {gflops / n / 1e9:F1} | {b1} | {bn} | {ratio} |");
                }
            }
            return 0;
        }));
        return command;
    }

    private const int MaxTokens = 65536;

    private static int[] ParseTokens(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], out result[i]) || result[i] < 1)
                throw new UserInputException($"--tokens: '{parts[i]}' is not a positive integer");
            // Larger counts only allocate gigabytes of activations and run for minutes.
            else if (result[i] > MaxTokens)
                throw new UserInputException($"--tokens: {result[i]} exceeds the {MaxTokens} tokens one expert pass is benchmarked at");
        return result;
    }
}

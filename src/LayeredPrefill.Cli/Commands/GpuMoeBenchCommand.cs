using LayeredPrefill.Randomness;
using System.CommandLine;
using LayeredPrefill.Reporting.Gpu;
using ILGPU;
using ILGPU.Runtime;
using LayeredPrefill.Cli.Options;
using LayeredPrefill.Kernels.Cuda;

namespace LayeredPrefill.Cli.Commands;

/// <summary>`gpu-moe-bench`: correctness checks and timings of one tensor-core MoE layer (and the cuBLAS baseline) on the GPU.</summary>
internal static class GpuMoeBenchCommand
{
    internal static Command Create()
    {
        var tokens = new Option<string>("--tokens") { Description = "Token counts to time", DefaultValueFactory = _ => "1,8,32,128,512,2048,8192" };
        var checkTokens = new Option<string>("--check-tokens") { Description = "Token counts to check against float64", DefaultValueFactory = _ => "1,7,64,300,2048" };
        var seed = SharedOptions.Seed("the weights and inputs");
        var cublas = new Option<bool>("--cublas") { Description = "Also time the cuBLAS baseline", DefaultValueFactory = _ => true };
        var output = new Option<string>("--output") { Description = "Write the JSON result here (atomically).", DefaultValueFactory = _ => "gpu-moe-bench.json" };
        var cmd = new Command("gpu-moe-bench", "Check and time one Qwen3-30B-A3B MoE layer with the tensor-core ILGPU kernels") { tokens, checkTokens, seed, cublas, output };
        cmd.SetAction((parse, cancel) => CliHost.GuardAsync(() =>
        {
            // The workspace grows with the largest count and the float64 check runs on the host: MaxTokens (twice the largest
            // batch the suite times) bounds both.
            var ts = CountList.Parse(parse.GetValue(tokens)!, "--tokens", "token count", MaxTokens, $"the {MaxTokens} tokens one layer is timed at");
            var cs = CountList.Parse(parse.GetValue(checkTokens)!, "--check-tokens", "token count", MaxTokens, $"the {MaxTokens} tokens one layer is checked at");
            // Refuse an unwritable --output now, not after minutes of GPU work.
            string path = LayeredPrefill.IO.AtomicFile.EnsureWritable(parse.GetValue(output)!, "--output");
            return Run(ts, cs, parse.GetValue(seed), parse.GetValue(cublas), path);
        }));
        return cmd;
    }

    private const int MaxTokens = 16384;

    private static int Run(int[] tokenList, int[] checkList, int seed, bool withCublas, string outPath)
    {
        var shape = MoeShape.Qwen3;
        using var session = CudaSession.Open();
        var acc = session.Accelerator;
        var k = session.Kernels;
        Console.WriteLine(session.Describe());
        var layer = new CudaMoeLayer(k, shape);
        Console.WriteLine("expert GEMMs on v7 (mma.sync tile GEMM), the router on v1");
        using var w = new MoeLayerWeights(k, shape, (uint)seed);
        int maxTokens = tokenList.Concat(checkList).Max();
        using var ws = new MoeWorkspace(k, shape, maxTokens);
        acc.Synchronize();

        var rng = new SeededRandom(seed);
        var reference = new MoeReference(shape, w.Router.GetAsArray1D(), w.GateUp.GetAsArray1D(), w.Down.GetAsArray1D());
        var checks = new List<MoeCheckResult>();
        foreach (int t in checkList)
        {
            var r = MoeCheck.Run(k, layer, w, ws, reference, t, 48, rng);
            checks.Add(r);
            Console.WriteLine($"check T={t,5}: out rel err {r.OutputRelError:E2}  logits {r.LogitRelError:E2}  weights {r.WeightRelError:E2}  routing {(r.RoutingOk ? "ok" : "BAD")}  sort {(r.SortOk ? "ok" : "BAD")}  written {(r.AllWritten ? "ok" : "NaN")}  over {r.CheckedTokens} tokens -> {(r.Passed ? "PASS" : "FAIL")}");
        }

        using var nvml = NvmlEnergy.TryOpen(0, out var nvmlWhy);
        if (nvml is null) Console.WriteLine($"NVML: {nvmlWhy}");
        string blasWhy = "";
        var blas = withCublas ? Cublas.TryCreate(CublasMoeBaseline.StreamOf(acc), out blasWhy) : null;
        if (withCublas && blas is null) Console.WriteLine($"cuBLAS: {blasWhy}");
        using var baseline = blas is null ? null : new CublasMoeBaseline(k, blas, shape, maxTokens);

        var rows = new List<MoeBenchTiming>();
        Console.WriteLine($"{"T",6} {"experts",7} {"route_us",9} {"moe_us",9} {"min",8} {"max",8} {"TB/s",6} {"TF/s",6} {"J/call",8} {"cublas_us",10} {"cublas_diff",11}");
        foreach (int t in tokenList)
        {
            var x = MoeCheck.RandomInput(rng, t, shape.Hidden);
            ws.X.View.SubView(0, x.Length).CopyFromCPU(x);
            layer.Route(w, ws, t);
            acc.Synchronize();
            var counts = ws.Counts.GetAsArray1D();
            var offsets = ws.Offsets.GetAsArray1D();
            int active = counts.Count(c => c > 0);
            var route = GpuTimer.Measure(() => layer.Route(w, ws, t), acc.Synchronize);
            layer.Route(w, ws, t);
            ulong e0 = nvml?.Millijoules() ?? 0;
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var moe = GpuTimer.Measure(() => layer.Experts(w, ws, t), acc.Synchronize, batches: 9);
            double seconds = sw.Elapsed.TotalSeconds;
            ulong e1 = nvml?.Millijoules() ?? 0;
            int calls = 4 + moe.Batches * moe.RepsPerBatch;
            double joules = nvml is null ? double.NaN : NvmlEnergy.JoulesBetween(e0, e1) / calls;
            layer.Experts(w, ws, t);
            acc.Synchronize();
            var fused = ws.Output.View.SubView(0, (long)t * shape.Hidden).GetAsArray1D();
            double bytes = active * (double)shape.ExpertBytes, flops = shape.ExpertFlops(t);
            double blasUs = double.NaN, blasDiff = double.NaN;
            if (baseline is not null)
            {
                var b = GpuTimer.Measure(() => baseline.Experts(w, ws, t, counts, offsets), acc.Synchronize);
                blasUs = b.MedianMicros;
                baseline.Experts(w, ws, t, counts, offsets);
                acc.Synchronize();
                var viaBlas = ws.Output.View.SubView(0, (long)t * shape.Hidden).GetAsArray1D();
                double d = 0, n = 0;
                for (long i = 0; i < fused.Length; i++) { d += Math.Pow(fused[i] - viaBlas[i], 2); n += Math.Pow(viaBlas[i], 2); }
                blasDiff = Math.Sqrt(d / n);
            }
            Console.WriteLine($"{t,6} {active,7} {route.MedianMicros,9:F1} {moe.MedianMicros,9:F1} {moe.MinMicros,8:F1} {moe.MaxMicros,8:F1} {bytes / moe.MedianMicros / 1e6,6:F2} {flops / moe.MedianMicros / 1e6,6:F0} {joules,8:F4} {blasUs,10:F1} {blasDiff,11:E2}");
            rows.Add(new MoeBenchTiming(t, active, route.MedianMicros, route.MinMicros, route.MaxMicros, moe.MedianMicros, moe.MinMicros, moe.MaxMicros,
                moe.RepsPerBatch, moe.Batches, bytes, flops, bytes / moe.MedianMicros / 1e6, flops / moe.MedianMicros / 1e6, joules, seconds, blasUs, blasDiff));
        }
        var result = new MoeBenchResult(session.Describe(), DateTime.UtcNow.ToString("u"), new MoeBenchShape(shape.Hidden, shape.Experts, shape.Ffn, shape.TopK), seed,
            checks.Select(c => new MoeBenchCheck(c.Tokens, c.CheckedTokens, c.OutputRelError, c.LogitRelError, c.WeightRelError, c.RoutingOk, c.SortOk, c.AllWritten, c.Bound, c.Passed)).ToArray(),
            rows, nvml is null ? nvmlWhy : "ok", blas is null ? blasWhy : blas.LibraryPath,
            "synchronised stopwatch over back-to-back calls after 3 warm-up calls; median of batches of ~30 ms; same weights and input each rep (as the peer script)");
        GpuResultFile.Save(outPath, result);
        Console.WriteLine($"wrote {outPath}");
        return checks.All(c => c.Passed) ? 0 : 1;
    }
}

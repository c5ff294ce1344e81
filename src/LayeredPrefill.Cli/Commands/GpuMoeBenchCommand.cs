using LayeredPrefill.Randomness;
using System.CommandLine;
using System.Text.Json;
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
        var seed = new Option<int>("--seed") { Description = "Seed of weights and inputs", DefaultValueFactory = _ => 1 };
        var cublas = new Option<bool>("--cublas") { Description = "Also time the cuBLAS baseline", DefaultValueFactory = _ => true };
        var output = new Option<string>("--out") { Description = "JSON results file", DefaultValueFactory = _ => "gpu-moe-bench.json" };
        var kernel = GpuKernelOption.Create();
        var v4Max = new Option<int>("--v4-max-tokens") { Description = "Kernel 4: largest batch whose expert GEMMs take the 16-row v4 kernel", DefaultValueFactory = _ => CudaMoeLayer.DefaultV4MaxTokens };
        var rotate = new Option<bool>("--rotate-k") { Description = "Kernel 4: v4 blocks start K at their own slice", DefaultValueFactory = _ => false };
        var v4Min = new Option<int>("--v4-min-tokens") { Description = "Kernel 4: smallest batch whose expert GEMMs take the 16-row v4 kernel", DefaultValueFactory = _ => CudaMoeLayer.DefaultV4MinTokens };
        var v7Min = new Option<int>("--v7-min-tokens") { Description = "Kernel 7: smallest batch whose expert GEMMs take the v7 kernel", DefaultValueFactory = _ => CudaMoeLayer.DefaultV7MinTokens };
        var grid = new Option<string>("--grid") { Description = "Launch order of the v1 and v7 tile GEMMs: tiles (tiles of a column block together) or columns (column blocks of a tile together, the default)", DefaultValueFactory = _ => "columns" };
        var cmd = new Command("gpu-moe-bench", "Check and time one Qwen3-30B-A3B MoE layer with the tensor-core ILGPU kernels");
        foreach (var o in new Option[] { kernel, rotate, v4Min, v4Max, v7Min, grid, tokens, checkTokens, seed, cublas, output }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var ts = ParseList(parse.GetValue(tokens)!, "--tokens");
            var cs = ParseList(parse.GetValue(checkTokens)!, "--check-tokens");
            // Refuse an unwritable --out now, not after minutes of GPU work.
            LayeredPrefill.IO.AtomicFile.EnsureWritable(parse.GetValue(output)!, "--out");
            return Run(ts, cs, parse.GetValue(seed), parse.GetValue(cublas), parse.GetValue(output)!, parse.GetValue(kernel), parse.GetValue(grid)!, parse.GetValue(v4Min), parse.GetValue(v4Max), parse.GetValue(rotate), parse.GetValue(v7Min));
        });
        return cmd;
    }

    internal static int[] ParseList(string text, string option)
    {
        try { return text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v.Trim())).ToArray(); }
        catch (FormatException) { throw new LayeredPrefill.UserInputException($"{option}: '{text}' is not a comma-separated list of integers"); }
    }

    private static int Run(int[] tokenList, int[] checkList, int seed, bool withCublas, string outPath, int kernelVersion, string grid, int v4MinTokens, int v4MaxTokens, bool rotateK, int v7MinTokens)
    {
        var shape = MoeShape.Qwen3;
        using var session = CudaSession.Open();
        var acc = session.Accelerator;
        var k = session.Kernels;
        Console.WriteLine(session.Describe());
        if (grid is not ("columns" or "tiles")) throw new LayeredPrefill.UserInputException($"--grid: '{grid}' is not columns or tiles");
        var layer = new CudaMoeLayer(k, shape, kernelVersion) { ColumnsFastest = grid == "columns", V4MinTokens = v4MinTokens, V4MaxTokens = v4MaxTokens, RotateK = rotateK, V7MinTokens = v7MinTokens };
        // Say which kernel each batch size takes: kernel 7's v7 window shadows v4's where they overlap.
        string v4Window = kernelVersion >= 4 && (kernelVersion == 4 || v7MinTokens > v4MinTokens)
            ? $", v4 for {v4MinTokens}-{(kernelVersion == 7 ? Math.Min(v4MaxTokens, v7MinTokens - 1) : v4MaxTokens)} tokens, rotate-k {rotateK}" : "";
        Console.WriteLine($"tile GEMM kernel {kernelVersion}: grid {grid}-first{v4Window}" + (kernelVersion == 7 ? $", v7 from {v7MinTokens} tokens" : "") + ", v1 for the router and every other batch");
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

        var rows = new List<object>();
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
            rows.Add(new
            {
                tokens = t, distinct_experts = active, route_us = route.MedianMicros, route_min_us = route.MinMicros, route_max_us = route.MaxMicros,
                moe_us = moe.MedianMicros, moe_min_us = moe.MinMicros, moe_max_us = moe.MaxMicros, reps = moe.RepsPerBatch, batches = moe.Batches,
                expert_bytes = bytes, flops, tbs = bytes / moe.MedianMicros / 1e6, tfs = flops / moe.MedianMicros / 1e6,
                joules_per_call = joules, timed_seconds = seconds, cublas_us = blasUs, cublas_rel_diff = blasDiff,
            });
        }
        var result = new
        {
            device = session.Describe(), kernel = kernelVersion, rotate_k = rotateK, v4_min_tokens = v4MinTokens, v4_max_tokens = v4MaxTokens, v7_min_tokens = v7MinTokens, grid, date = DateTime.UtcNow.ToString("u"), shape, seed,
            checks = checks.Select(c => new { c.Tokens, c.CheckedTokens, c.OutputRelError, c.LogitRelError, c.WeightRelError, c.RoutingOk, c.SortOk, c.AllWritten, c.Bound, c.Passed }),
            timings = rows, nvml = nvml is null ? nvmlWhy : "ok", cublas = blas is null ? blasWhy : blas.LibraryPath,
            method = "synchronised stopwatch over back-to-back calls after 3 warm-up calls; median of batches of ~30 ms; same weights and input each rep (as the peer script)",
        };
        LayeredPrefill.IO.AtomicFile.WriteAllText(outPath, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
        Console.WriteLine($"wrote {outPath}");
        return checks.All(c => c.Passed) ? 0 : 1;
    }
}

using System.CommandLine;
using System.Text.Json;
using LayeredPrefill.Cli.Options;
using LayeredPrefill.Kernels.Cuda;

namespace LayeredPrefill.Cli.Commands;

/// <summary>`gpu-serve-moe`: chunked vs layered prefill of one prompt through many MoE layers on the GPU (attention left out).</summary>
internal static class GpuServeMoeCommand
{
    internal static Command Create()
    {
        var layers = new Option<int>("--layers") { Description = "MoE layers (0 = 48 if the GPU has ≥ 100 GiB, else 24)", DefaultValueFactory = _ => 0 };
        var prompt = new Option<int>("--prompt") { Description = "Prompt tokens", DefaultValueFactory = _ => 8192 };
        var chunk = new Option<int>("--chunk") { Description = "Chunked-prefill budget", DefaultValueFactory = _ => 512 };
        var groups = new Option<int>("--groups") { Description = "Layered-prefill layer groups (0 = adaptive: the simulator's Qwen3 ladder for the prompt, clamped to --layers)", DefaultValueFactory = _ => 0 };
        var decodes = new Option<string>("--decodes") { Description = "Decode rows joining every iteration", DefaultValueFactory = _ => "0,32,128" };
        var repeats = new Option<int>("--repeats") { Description = "Repeats of each schedule", DefaultValueFactory = _ => 3 };
        var profile = new Option<string>("--profile") { Description = "chunked|layered: run one iteration of that policy between cuProfilerStart/Stop (for ncu) and exit", DefaultValueFactory = _ => "" };
        var seed = new Option<int>("--seed") { Description = "Seed", DefaultValueFactory = _ => 7 };
        var output = new Option<string>("--out") { Description = "JSON results file", DefaultValueFactory = _ => "gpu-serve-moe.json" };
        var kernel = GpuKernelOption.Create();
        var cmd = new Command("gpu-serve-moe", "Chunked vs layered prefill at the MoE level on the GPU: TTFT, iteration times, decode ITL, expert bytes, J/token");
        foreach (var o in new Option[] { kernel, layers, prompt, chunk, groups, decodes, repeats, profile, seed, output }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var ds = GpuMoeBenchCommand.ParseList(parse.GetValue(decodes)!, "--decodes");
            // Refuse an unwritable --out now, not after minutes of GPU work.
            LayeredPrefill.IO.AtomicFile.EnsureWritable(parse.GetValue(output)!, "--out");
            return Run(parse.GetValue(layers), parse.GetValue(prompt), parse.GetValue(chunk), parse.GetValue(groups), ds,
                parse.GetValue(repeats), parse.GetValue(profile)!, parse.GetValue(seed), parse.GetValue(output)!, parse.GetValue(kernel));
        });
        return cmd;
    }

    /// <summary>The simulator's adaptive group count for one prompt of Qwen3-30B-A3B (48 layers: 16 groups above 4096 tokens),
    /// clamped to the layers on the GPU, so a 24-layer run keeps the same per-iteration prefill work per layer.</summary>
    internal static int AdaptiveGroups(int prompt, int layers)
    {
        var qwen3 = LayeredPrefill.Models.ModelCatalog.Get("qwen3-30b-a3b");
        int g = LayeredPrefill.Scheduling.LayerGroups.Adaptive(LayeredPrefill.Models.ModelCatalog.AdaptiveGroupLadder(qwen3), prompt, qwen3.Layers);
        return Math.Min(g, layers);
    }

    private static int Run(int layers, int prompt, int chunk, int groups, int[] decodes, int repeats, string profile, int seed, string outPath, int kernelVersion)
    {
        if (prompt <= 0 || chunk <= 0 || groups < 0 || repeats <= 0)
            throw new LayeredPrefill.UserInputException("--prompt, --chunk and --repeats must be > 0 and --groups ≥ 0");
        var shape = MoeShape.Qwen3;
        using var session = CudaSession.Open();
        var acc = session.Accelerator;
        Console.WriteLine(session.Describe());
        if (layers == 0) layers = acc.MemorySize >= 100L << 30 ? 48 : 24;
        bool adaptive = groups == 0;
        if (adaptive) groups = AdaptiveGroups(prompt, layers);
        if (groups > layers) throw new LayeredPrefill.UserInputException($"--groups {groups} exceeds --layers {layers}");
        var layer = new CudaMoeLayer(session.Kernels, shape, kernelVersion);
        var weights = Enumerable.Range(0, layers).Select(l => new MoeLayerWeights(session.Kernels, shape, (uint)(seed * 1000 + l))).ToList();
        using var runner = new MoeServeRunner(session.Kernels, layer, weights, prompt, decodes.Max(), new Random(seed));
        acc.Synchronize();
        Console.WriteLine($"{layers} layers, {weights.Sum(w => w.Bytes) / 1e9:F1} GB of MoE weights on the GPU; chunked-{chunk} vs layered G={groups}" + (adaptive ? " (adaptive)" : ""));
        var chunked = MoeServeSchedule.Chunked(prompt, chunk, layers);
        var layered = MoeServeSchedule.Layered(prompt, groups, layers);

        if (profile.Length > 0)
        {
            var it = (profile == "layered" ? layered : chunked)[0];
            int d = decodes.Max();
            double bytes = runner.RunIteration(it, d, countExperts: true);
            acc.Synchronize();
            CudaProfiler.Start();
            runner.RunIteration(it, d, false);
            acc.Synchronize();
            CudaProfiler.Stop();
            double activations = MoeServeSchedule.ActivationReadBytes(it, d, layers, shape);
            Console.WriteLine($"profile {profile}: one iteration, prefill rows {it.PrefillRows} through layers {it.FirstLayer}..{it.EndLayer - 1}, {d} decode rows; software expert bytes {bytes:F0}, activation bytes {activations:F0}, sum {bytes + activations:F0}");
            return 0;
        }

        using var nvml = NvmlEnergy.TryOpen(0, out var why);
        if (nvml is null) Console.WriteLine($"NVML: {why}");
        var results = new List<ServeRunResult>();
        Console.WriteLine($"{"policy",-8} {"decodes",7} {"iters",5} {"TTFT_ms",9} {"iter_p50",9} {"ITL_p99",9} {"expert_GB",10} {"J",8} {"J/token",9} {"W",6}");
        foreach (int d in decodes)
            foreach (var (name, schedule) in new[] { ("chunked", chunked), ("layered", layered) })
            {
                var r = runner.Run(name, schedule, d, repeats, nvml);
                results.Add(r);
                Console.WriteLine($"{name,-8} {d,7} {r.Iterations,5} {r.TtftMillis,9:F2} {r.DecodeItlP50Millis,9:F2} {r.DecodeItlP99Millis,9:F2} {r.ExpertBytes / 1e9,10:F1} {r.Joules,8:F1} {r.JoulesPerToken,9:F5} {r.MeanWatts,6:F0}");
            }
        var json = new
        {
            device = session.Describe(), kernel = kernelVersion, date = DateTime.UtcNow.ToString("u"), shape, layers, prompt, chunk, groups, groups_rule = adaptive ? "adaptive (Qwen3 ladder 1,2,4,8,16)" : "fixed", repeats,
            note = "MoE blocks only (router, sort, expert GEMMs, combine); attention and dense layers left out. Each layer reads the same random activations (not chained). ITL = per-iteration time seen by every decode row.",
            results,
        };
        LayeredPrefill.IO.AtomicFile.WriteAllText(outPath, JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
        Console.WriteLine($"wrote {outPath}");
        foreach (var w in weights) w.Dispose();
        return 0;
    }
}

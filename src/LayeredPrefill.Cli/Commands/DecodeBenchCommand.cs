using LayeredPrefill.Cli.Options;
using System.CommandLine;
using System.Globalization;
using LayeredPrefill.IO;
using LayeredPrefill.Kernels;
using LayeredPrefill.Kernels.Cuda;
using LayeredPrefill.Kernels.Scenarios;
using LayeredPrefill.Models;
using LayeredPrefill.Reporting.Gpu;

namespace LayeredPrefill.Cli.Commands;

/// <summary>`decode-bench`: decode-only steps on real kernels at batch sizes 1/32/128, against the bytes each step streams and the card's read bandwidth.</summary>
internal static class DecodeBenchCommand
{
    internal static Command Create()
    {
        var backend = new Option<string>("--backend") { Description = "Kernel backend.", DefaultValueFactory = _ => BackendRegistry.Cuda };
        var model = new Option<string>("--model") { Description = "Model preset or config.json.", DefaultValueFactory = _ => "qwen3-30b-a3b" };
        var layers = new Option<int?>("--layers") { Description = "Run the model's shape with only this many layers." };
        var decodes = new Option<string>("--decodes") { Description = "Comma-separated decode batch sizes.", DefaultValueFactory = _ => "1,32,128" };
        var context = new Option<int>("--context-tokens") { Description = "Context of every decode.", DefaultValueFactory = _ => 2048 };
        var repeats = new Option<int>("--repeats") { Description = "Timed steps per batch size.", DefaultValueFactory = _ => 20 };
        var seed = SharedOptions.Seed("the weights and prompts");
        var output = SharedOptions.Output("the result JSON");
        var split = new Option<int>("--decode-split-tokens") { Description = "Context positions per decode-attention block (GPU).", DefaultValueFactory = _ => 256 };
        var profile = new Option<bool>("--profile-ops") { Description = "Time every op with GPU events and print where each step's time goes." };
        var prompt = new Option<int>("--prompt-tokens") { Description = "Also prefill one prompt of this many tokens under chunked-512 and layered beside each batch (0: none).", DefaultValueFactory = _ => 0 };
        var cmd = new Command("decode-bench", "Decode-only steps on real kernels: tokens/s and bytes streamed per step vs the card's read bandwidth")
            { backend, model, layers, decodes, context, repeats, seed, output, profile, prompt, split };
        cmd.SetAction((parse, cancel) => CliHost.GuardAsync(() =>
        {
            string b = parse.GetValue(backend)!.Trim().ToLowerInvariant();
            BackendRegistry.RequireUsable(b);
            var m = ModelCatalog.GetOrReadConfig(parse.GetValue(model)!).WithLayers(parse.GetValue(layers));
            var batches = CountList.Parse(parse.GetValue(decodes)!, "--decodes", "batch size", 4096, "the 4096 decodes one step is timed with");
            int ctx = parse.GetValue(context), reps = parse.GetValue(repeats);
            if (ctx is < 1 or > 1 << 20) throw new UserInputException($"--context-tokens must be in [1, 1048576] (got {ctx})");
            if (reps is < 1 or > 100_000) throw new UserInputException($"--repeats must be in [1, 100000] (got {reps})");
            string? path = parse.GetValue(output) is { } o ? AtomicFile.EnsureWritable(o, "--output") : null;
            int kvBlocks = (int)Math.Min(int.MaxValue, (long)batches.Max() * ((ctx + 2 * IterationBatch.BlockTokens) / IterationBatch.BlockTokens) + 16);
            int promptTokens = parse.GetValue(prompt);
            if (promptTokens is < 0 or > 1 << 17) throw new UserInputException($"--prompt-tokens must be in [0, 131072] (got {promptTokens})");
            kvBlocks += promptTokens / IterationBatch.BlockTokens + 1;
            var options = new EngineOptions(b, parse.GetValue(seed), kvBlocks, Math.Max(ctx, promptTokens) + 2,
                MaxBatchTokens: Math.Max(EngineOptions.DefaultMaxBatchTokens, promptTokens + batches.Max()), ProfileOps: parse.GetValue(profile), DecodeSplitTokens: parse.GetValue(split));
            using var executor = new KernelExecutor(m, options);
            GpuCard card;
            double? read = null;
            if (executor.Engine.Backend is CudaBackend cuda)
            {
                card = new GpuCard(cuda.Accelerator.Name, cuda.Accelerator.DriverVersion.ToString(), DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                read = ReadBandwidth.Measure(cuda.Accelerator);
                Console.WriteLine($"{card.Card}, driver {card.Driver}: read bandwidth {read / 1e12:F2} TB/s (16-byte loads over 8 GiB, median of 7)");
            }
            else card = new GpuCard(executor.Engine.DeviceName, "-", DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            var result = DecodeBench.Run(executor, batches, ctx, reps, card, read, Console.WriteLine, promptTokens);
            if (path is not null)
            {
                GpuResultFile.Save(path, result);
                Console.Error.WriteLine($"wrote {path}");
            }
            return 0;
        }));
        return cmd;
    }
}

using System.CommandLine;
using LayeredPrefill.Execution;
using LayeredPrefill.Kernels;
using LayeredPrefill.Experiments;
using LayeredPrefill.Workloads;

namespace LayeredPrefill.Cli.Commands;

/// <summary>What prices the iterations: the roofline model of a device, or real MoE kernels whose measured time is the cost.</summary>
/// <param name="KvBlocksOverride">The kernel engine's KV pool, which the scheduler must use too (null for the roofline).</param>
/// <param name="IdlePowerWatts">Power between iterations (0 for kernels, which measure no energy; null = the device's).</param>
internal sealed record ExecutorChoice(Func<ExperimentSpec, IExecutor> Factory, bool IsKernels, long? KvBlocksOverride, double? IdlePowerWatts)
{
    public static ExecutorChoice Resolve(CommonOptions o, ParseResult p, Workload workload)
    {
        string kind = p.GetValue(o.Executor)!.Trim().ToLowerInvariant();
        if (kind == "roofline") return new(ExperimentRunner.Roofline, false, null, null);
        if (kind != "kernels") throw new UserInputException($"--executor: unknown executor '{kind}' (valid: roofline, kernels)");

        string backend = p.GetValue(o.Backend)!.Trim().ToLowerInvariant();
        BackendRegistry.RequireUsable(backend);
        int kvBlocks = p.GetValue(o.KvBlocks);
        if (kvBlocks <= 0) throw new UserInputException($"--kv-blocks must be > 0 (got {kvBlocks})");
        // RoPE covers the longest context any request can reach.
        int maxPositions = Math.Max(16, workload.Requests.Max(r => r.PromptTokens + r.OutputTokens));
        long seed = p.GetValue(o.Seed);
        return new(spec => new KernelExecutor(spec.Model, new EngineOptions(backend, seed, kvBlocks, maxPositions)), true, kvBlocks, 0);
    }
}

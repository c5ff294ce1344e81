using System.CommandLine;
using LayeredPrefill.Execution;
using LayeredPrefill.Kernels;
using LayeredPrefill.Experiments;
using LayeredPrefill.Metrics;
using LayeredPrefill.Workloads;

namespace LayeredPrefill.Cli.Options;

/// <summary>What prices the iterations: the roofline model of a device, or real MoE kernels whose measured time is the cost.</summary>
/// <param name="KvBlocksOverride">The kernel engine's KV pool, which the scheduler must use too (null for the roofline).</param>
/// <param name="IdlePowerWatts">Power between iterations (0 for kernels, which measure no energy; null = the device's).</param>
/// <param name="BackendName">roofline, or the kernel backend that runs the iterations.</param>
/// <param name="BackendDevice">The device the kernel backend runs on, as it names itself (null for the roofline).</param>
internal sealed record ExecutorChoice(Func<ExperimentSpec, IExecutor> Factory, bool IsKernels, long? KvBlocksOverride, double? IdlePowerWatts,
    string BackendName = "roofline", string? BackendDevice = null)
{
    /// <summary>How a result file describes this executor for <paramref name="spec"/>: what ran, on what, and where the energy comes from.</summary>
    public RunContext Context(ExperimentSpec spec, string? label, GoodputObjectives? goodput, DateTimeOffset date, bool sloGiven) => IsKernels
        ? new RunContext(label, "kernels", BackendName, BackendDevice ?? BackendName, ResultFileReader.EnergySource("kernels", BackendName), goodput, date,
            SloSource(sloGiven))
        : RunContext.Roofline(spec, date, goodput, label) with { SloSource = SloSource(sloGiven) };

    /// <summary>Where the SLO's bounds come from; for CPU kernels held to the paper's GPU bounds, why the attainment says nothing.</summary>
    public string SloSource(bool given) =>
        given ? "given (--slo-ttft-ms, --slo-itl-ms)"
        : IsKernels && BackendName != Kernels.BackendRegistry.Cuda
            ? "the paper's GPU bounds, which real kernels on a CPU cannot meet: attainment says nothing here (give --slo-ttft-ms and --slo-itl-ms)"
            : RunContext.PaperSlo;

    /// <summary>The header line's "on what": the device profile × TP for the roofline, the backend and its device for kernels.</summary>
    public string Describe(ExperimentSpec spec) => IsKernels
        ? $"{BackendName} kernels on {BackendDevice ?? BackendName} (measured)"
        : $"{spec.Device.Name} × TP {spec.TensorParallel} (roofline model)";

    public static ExecutorChoice Resolve(ServingOptions o, ParseResult p, Workload workload, Models.MoeModel model)
    {
        string kind = p.GetValue(o.Executor)!.Trim().ToLowerInvariant();
        bool explicitKv = p.GetResult(o.KvBlocks) is { Implicit: false };
        // An explicit --kv-blocks sizes the roofline's KV pool too, so a simulation can replay a kernel run's exact capacity.
        if (kind == "roofline") return new(ExperimentRunner.Roofline, false, explicitKv ? ValidBlocks(p.GetValue(o.KvBlocks)) : null, null);
        if (kind != "kernels") throw new UserInputException($"--executor: unknown executor '{kind}' (valid: roofline, kernels)");

        string backend = p.GetValue(o.Backend)!.Trim().ToLowerInvariant();
        var probe = BackendRegistry.RequireUsable(backend);
        // RoPE covers the longest context any request can reach.
        int longest = workload.Requests.Max(r => r.PromptTokens + r.OutputTokens);
        int maxPositions = Math.Max(16, longest);
        // The largest batch any policy builds: a whole prompt (prefill-first, or a recompute) or a budget, plus every running decode.
        int maxBatch = Math.Max(longest, Math.Max(p.GetValue(o.ChunkBudget), p.GetValue(o.LayeredBudget))) + p.GetValue(o.MaxSeqs);
        int kvBlocks = p.GetValue(o.KvBlocks);
        if (backend == BackendRegistry.Cuda && !explicitKv)
            kvBlocks = CudaKvBlocks(model, probe, p.GetValue(o.GpuMemoryUtilization), maxBatch);
        else if (!explicitKv)
            kvBlocks = EngineOptions.WorkloadKvBlocks(workload.Requests.Select(r => r.PromptTokens + r.OutputTokens), kvBlocks);
        ValidBlocks(kvBlocks);
        long seed = p.GetValue(o.Seed);
        // Before the workload is served: a model that does not fit is refused now, in one line, not after the scheduler is built.
        BackendRegistry.RequireFits(backend, model, new EngineOptions(backend, seed, kvBlocks, maxPositions, MaxBatchTokens: maxBatch), probe);
        return new(spec => new KernelExecutor(spec.Model, new EngineOptions(backend, seed, kvBlocks, maxPositions, MaxBatchTokens: maxBatch)), true, kvBlocks, 0,
            backend, probe.Device);
    }

    private static int ValidBlocks(int blocks) => blocks > 0 ? blocks : throw new UserInputException($"--kv-blocks must be > 0 (got {blocks})");

    /// <summary>The KV pool a GPU holds after the weights and activations, from its memory × --gpu-memory-utilization (as vLLM sizes it).</summary>
    private static int CudaKvBlocks(Models.MoeModel model, BackendProbe probe, double utilization, int maxBatch)
    {
        if (!(utilization > 0 && utilization <= 1)) throw new UserInputException($"--gpu-memory-utilization must be in (0, 1] (got {utilization})");
        long fixedBytes = Kernels.Cuda.CudaBackend.BytesNeeded(model, 0, maxBatch);
        double free = probe.MemoryBytes * utilization - fixedBytes;
        long blocks = (long)(free / Kernels.Cuda.CudaBackend.KvBytesPerBlock(model));
        if (blocks <= 0)
            throw new UserInputException($"--model {model.Name}: {fixedBytes:N0} bytes of weights and activations leave no KV memory in {utilization:P0} of {probe.Device}'s {probe.MemoryBytes:N0} bytes; try --layers");
        return (int)Math.Min(blocks, int.MaxValue / IterationBatch.BlockTokens);
    }
}

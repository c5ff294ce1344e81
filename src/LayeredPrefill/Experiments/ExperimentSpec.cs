using LayeredPrefill.Execution.Roofline;
using LayeredPrefill.Metrics;
using LayeredPrefill.Models;
using LayeredPrefill.Scheduling;
using LayeredPrefill.Workloads;

namespace LayeredPrefill.Experiments;

/// <summary>Everything one simulated run depends on, resolved: same spec and seed ⇒ byte-identical result.</summary>
/// <param name="MaxModelLengthTokens">The server refuses a request whose prompt + output exceed this when it arrives.</param>
/// <param name="Client">How the benchmark client drew and sent the workload (null: every request sent on arrival, nothing recorded about the draw).</param>
public sealed record ExperimentSpec(
    MoeModel Model,
    DeviceProfile Device,
    int TensorParallel,
    Workload Workload,
    SchedulingPolicy Policy,
    Slo Slo,
    RoutingSpec Routing,
    int MaxSequences = SchedulerSettings.DefaultMaxSequences,
    double GpuMemoryUtilization = 0.85,
    int KvBlockTokens = 16,
    long? KvBlocksOverride = null,
    int MaxModelLengthTokens = int.MaxValue,
    ClientSpec? Client = null)
{
    /// <summary>Activation and CUDA-graph memory kept aside per GPU before the KV cache is sized (vLLM's profiling run finds a few GB).</summary>
    public const double ActivationReserveBytes = 2.0 * 1024 * 1024 * 1024;

    /// <summary>KV blocks the device memory leaves for the cache.</summary>
    /// <remarks>Real kernels bring their own KV pool, whose size the scheduler must then use: <see cref="KvBlocksOverride"/>.</remarks>
    public long KvBlocks => KvBlocksOverride ?? KvCapacity.Blocks(Model, Device.MemoryBytes, TensorParallel, GpuMemoryUtilization, KvBlockTokens, ActivationReserveBytes);

    /// <summary>Refuses settings no run can use, naming the option.</summary>
    public ExperimentSpec Validate()
    {
        if (TensorParallel <= 0) throw new UserInputException($"--tp must be > 0 (got {TensorParallel})");
        if (Model.QueryHeads % TensorParallel != 0)
            throw new UserInputException($"--tp {TensorParallel} does not divide the {Model.QueryHeads} query heads of '{Model.Name}'");
        if (MaxSequences <= 0) throw new UserInputException($"--max-seqs must be > 0 (got {MaxSequences})");
        if (Client?.MaxConcurrency is <= 0) throw new UserInputException($"--max-concurrency must be > 0 (got {Client.MaxConcurrency})");
        Policy.Validate(Model);
        Slo.Validate();
        // Sizing the KV cache refuses a model whose weights do not fit: find that out before anything runs.
        if (KvBlocks <= 0)
            throw new UserInputException($"--gpu-memory-utilization {GpuMemoryUtilization}: '{Model.Name}' at TP {TensorParallel} leaves no room for a single KV block");
        return this;
    }
}

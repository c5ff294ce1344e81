using LayeredPrefill.Kernels.Cuda;
using LayeredPrefill.Kernels.Ilgpu;
using LayeredPrefill.Kernels.Simd;

namespace LayeredPrefill.Kernels;

/// <summary>Where a backend would run and how much memory it offers, found before any allocation.</summary>
/// <param name="Reason">Why the backend cannot run here (null when it can).</param>
public sealed record BackendProbe(string Name, string Device, long MemoryBytes, string? Reason)
{
    /// <summary>True when the backend can run here.</summary>
    public bool Usable => Reason is null;
}

/// <summary>Backends by name.</summary>
public static class BackendRegistry
{
    /// <summary>All backend names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["simd", "ilgpu-cpu", "ilgpu-cuda", "ilgpu-opencl"];

    /// <summary>Looks for a backend's device without allocating model memory.</summary>
    public static BackendProbe Probe(string name) => name switch
    {
        "simd" => new BackendProbe(name, $"CPU, {Environment.ProcessorCount} threads", GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, null),
        "ilgpu-cpu" or "ilgpu-cuda" or "ilgpu-opencl" => IlgpuDevices.Probe(name),
        _ => throw new UserInputException($"--backend: unknown backend '{name}' (valid: {string.Join(", ", Names)})"),
    };

    /// <summary>Refuses an unusable backend, naming the usable ones.</summary>
    public static BackendProbe RequireUsable(string name)
    {
        var probe = Probe(name);
        if (probe.Usable) return probe;
        var usable = Names.Where(n => n != name && SafeProbe(n).Usable);
        throw new UserInputException($"--backend: '{name}' is unavailable here ({probe.Reason}); available: {string.Join(", ", usable)}");
    }

    private static BackendProbe SafeProbe(string name)
    {
        try { return Probe(name); }
        catch (Exception e) when (e is not OutOfMemoryException) { return new BackendProbe(name, "?", 0, e.Message); }
    }

    /// <summary>The backend that holds bf16 weights in device memory and draws them there (no host copy).</summary>
    public const string Cuda = "ilgpu-cuda";

    /// <summary>Bytes a backend needs on its device: a CUDA GPU its bf16 weights, KV pool and activations; simd its packed bf16
    /// weights and fp32 KV pool (drawn in place; a weight hook adds the drawn fp32 copy); ILGPU its fp32 weights and KV pool.</summary>
    public static long BytesNeeded(string name, Models.MoeModel model, EngineOptions options) => name switch
    {
        Cuda => CudaBackend.BytesNeeded(model, options.KvBlocks, options.MaxBatchTokens),
        "simd" => SimdBackend.BytesNeeded(model, options.KvBlocks) + (options.AdjustWeights is null ? 0 : MoeWeights.Fp32Bytes(model)),
        _ => MoeWeights.Fp32Bytes(model) + options.KvPoolBytes(model),
    };

    /// <summary>Bytes a backend needs in the host's memory (for a device backend, the fp32 weights it draws on the host before uploading them).</summary>
    public static long HostBytesNeeded(string name, Models.MoeModel model, EngineOptions options) => name switch
    {
        Cuda => 0,
        "simd" => BytesNeeded(name, model, options),
        // ILGPU's CPU accelerator holds the host weights and its own copy of them.
        "ilgpu-cpu" => 2 * MoeWeights.Fp32Bytes(model) + options.KvPoolBytes(model),
        _ => MoeWeights.Fp32Bytes(model),
    };

    /// <summary>
    /// Refuses, in one line and before a byte is allocated, a model that would not fit: needed against what the device
    /// (for simd, the host) has available now, and for device backends the host memory their weights are drawn in.
    /// </summary>
    public static void RequireFits(string name, Models.MoeModel model, EngineOptions options, BackendProbe? probe = null)
    {
        probe ??= Probe(name);
        long needed = BytesNeeded(name, model, options);
        long deviceRoom = name == "simd" ? HostMemory.AvailableBytes() : probe.MemoryBytes;
        if (needed > deviceRoom)
            throw new UserInputException($"--model {model.Name}: needs {needed / 1e9:F2} GB (weights + KV pool) on {name} but {probe.Device} has {deviceRoom / 1e9:F2} GB available; try --layers or fewer --kv-blocks");
        long hostNeeded = HostBytesNeeded(name, model, options);
        if (name != "simd" && hostNeeded > 0 && hostNeeded > HostMemory.AvailableBytes())
            throw new UserInputException($"--model {model.Name}: {name} draws {hostNeeded / 1e9:F2} GB of weights in host memory but the host has {HostMemory.AvailableBytes() / 1e9:F2} GB available; try --layers");
    }

    /// <summary>Checks that <paramref name="name"/> can run <paramref name="model"/> (shape limits of its kernels).</summary>
    public static void RequireSupported(string name, Models.MoeModel model, string where)
    {
        if (name == Cuda) CudaBackend.RequireSupported(model, where);
        else MoeWeights.RequireSupported(model, where);
    }

    internal static IMoeBackend Create(string name, Models.MoeModel model, EngineOptions options, RopeTable rope)
    {
        if (name == Cuda)
        {
            if (options.AdjustWeights is not null) throw new InvalidOperationException("backend ilgpu-cuda draws its weights on the GPU; it takes no host weight hook");
            return new CudaBackend(model, options, rope, options.MaxBatchTokens);
        }
        if (name == "simd" && options.AdjustWeights is null) return new SimdBackend(model, options.Seed, options.KvBlocks, rope);
        var weights = MoeWeights.Create(model, options.Seed);
        options.AdjustWeights?.Invoke(weights);
        return name == "simd" ? new SimdBackend(weights, options.KvBlocks, rope) : new IlgpuBackend(name, weights, options.KvBlocks, rope);
    }
}

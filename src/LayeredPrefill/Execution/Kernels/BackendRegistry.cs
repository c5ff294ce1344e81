using LayeredPrefill.Execution.Kernels.Ilgpu;
using LayeredPrefill.Execution.Kernels.Simd;

namespace LayeredPrefill.Execution.Kernels;

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

    /// <summary>Bytes a backend needs for a model's weights plus its KV pool (simd holds raw and packed copies while packing).</summary>
    public static long BytesNeeded(string name, Models.MoeModel model, EngineOptions options) =>
        (name == "simd" ? 2 : 1) * MoeWeights.Fp32Bytes(model) + options.KvPoolBytes(model);

    internal static IMoeBackend Create(string name, MoeWeights weights, EngineOptions options, RopeTable rope) => name switch
    {
        "simd" => new SimdBackend(weights, options.KvBlocks, rope),
        _ => new IlgpuBackend(name, weights, options.KvBlocks, rope),
    };
}

namespace LayeredPrefill.Execution.Kernels.Ilgpu;

/// <summary>ILGPU backend (placeholder while the kernels are written).</summary>
public sealed class IlgpuBackend : IMoeBackend
{
    /// <summary>Loads the weights onto the backend's first usable device.</summary>
    public IlgpuBackend(string name, MoeWeights weights, int kvBlocks, RopeTable rope) { Name = name; throw new NotImplementedException(); }
    /// <inheritdoc/>
    public string Name { get; }
    /// <inheritdoc/>
    public string DeviceName => "";
    /// <inheritdoc/>
    public BackendStep Run(IterationBatch batch) => throw new NotImplementedException();
    /// <inheritdoc/>
    public void DropHidden(int requestId) { }
    /// <inheritdoc/>
    public float[] ReadKv(int layer, IReadOnlyList<int> blocks, int tokens) => throw new NotImplementedException();
    /// <inheritdoc/>
    public void Dispose() { }
}

namespace LayeredPrefill.Kernels;

/// <summary>Runs the MoE layer math of one iteration on some device; the engine does the bookkeeping.</summary>
public interface IMoeBackend : IDisposable
{
    /// <summary>Backend name ("simd", "ilgpu-cpu", ...).</summary>
    string Name { get; }

    /// <summary>The device in words.</summary>
    string DeviceName { get; }

    /// <summary>The element type its weights are stored in (weight traffic is counted in it).</summary>
    Models.WeightDtype WeightDtype { get; }

    /// <summary>The element type of its KV cache (KV traffic is counted in it); the weights' unless the backend says otherwise.</summary>
    Models.WeightDtype KvDtype => WeightDtype;

    /// <summary>Runs one iteration; throws <see cref="NonFiniteActivationException"/> when a layer's outputs are not finite.</summary>
    BackendStep Run(IterationBatch batch);

    /// <summary>Drops the hidden states kept for a request's unfinished layered slices.</summary>
    void DropHidden(int requestId);

    /// <summary>Reads a request's cached keys then values for positions [0, tokens) of one layer: [2, tokens, KvHeads·HeadDim].</summary>
    float[] ReadKv(int layer, IReadOnlyList<int> blocks, int tokens);
}

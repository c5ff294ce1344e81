namespace LayeredPrefill.Execution.Roofline;

/// <summary>Classes of GPU work that run at different fractions of the device's peak rates.</summary>
public enum OpClass
{
    /// <summary>QKV and O projections, shared experts, dense FFN.</summary>
    DenseGemm,
    /// <summary>Grouped routed-expert GEMMs (gate/up, down).</summary>
    ExpertGemm,
    /// <summary>Attention over the KV cache (prefill causal and decode).</summary>
    Attention,
    /// <summary>Router GEMM, top-k softmax and token sorting.</summary>
    Router,
    /// <summary>Final norm and LM head for the tokens that emit.</summary>
    LmHead,
    /// <summary>Norms, RoPE, residual adds.</summary>
    Elementwise,
}

/// <summary>The fraction of peak compute and bandwidth an op class reaches, and its fixed cost per launch.</summary>
public sealed record OpEfficiency(double ComputeFraction, double MemoryFraction, double LaunchOverheadSeconds);

namespace LayeredPrefill.Benchmarks.Config;

/// <summary>The category names every benchmark carries (filter with <c>--anyCategories</c>).</summary>
public static class Categories
{
    /// <summary>Whole simulated serving runs on the roofline model.</summary>
    public const string Serving = "Serving";

    /// <summary>How fast the discrete-event simulator itself runs.</summary>
    public const string Simulator = "Simulator";

    /// <summary>Real MoE kernels on the backends this machine has.</summary>
    public const string Kernels = "Kernels";

    /// <summary>Real kernels at full model size on a CUDA GPU (bf16 on tensor cores); no case exists on a machine without one.</summary>
    public const string Gpu = "Gpu";

    /// <summary>Every category a benchmark may carry; the mandatory-category check accepts only these.</summary>
    public static IReadOnlyList<string> All { get; } = [Serving, Simulator, Kernels, Gpu];
}

using LayeredPrefill.Models;

namespace LayeredPrefill.Kernels.Verification;

/// <summary>Shapes the self-test and tests use (built here: the model catalog is not a dependency of the kernels).</summary>
public static class VerificationModels
{
    /// <summary>tiny-moe: 4 layers, hidden 256, 8/2 heads of 32, 16 experts top-2, FFN 128, vocab 512.</summary>
    public static MoeModel TinyMoe { get; } = new("tiny-moe", 4, 256, 8, 2, 32, 16, 2, 128, 512, WeightDtype.Fp32);

    /// <summary>Smaller still, for the slow ILGPU CPU accelerator.</summary>
    public static MoeModel Micro { get; } = new("micro-moe", 4, 64, 4, 2, 16, 8, 2, 32, 128, WeightDtype.Fp32);
}

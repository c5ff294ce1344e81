using LayeredPrefill.Models;

namespace LayeredPrefill.Tests.Kernels;

/// <summary>Shapes for kernel tests, built directly (the catalog lives on another branch).</summary>
internal static class TestModels
{
    public static MoeModel TinyMoe { get; } = new("tiny-moe", 4, 256, 8, 2, 32, 16, 2, 128, 512, WeightDtype.Fp32);

    /// <summary>Even smaller, so the slow ILGPU CPU accelerator stays CI-fast.</summary>
    public static MoeModel Micro { get; } = new("micro-moe", 4, 64, 4, 2, 16, 8, 2, 32, 128, WeightDtype.Fp32);
}

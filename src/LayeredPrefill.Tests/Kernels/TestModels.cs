using LayeredPrefill.Kernels.Verification;
using LayeredPrefill.Models;

namespace LayeredPrefill.Tests.Kernels;

internal static class TestModels
{
    public static MoeModel TinyMoe => VerificationModels.TinyMoe;
    public static MoeModel Micro => VerificationModels.Micro;
}

using System.Globalization;
using LayeredPrefill.Experiments;

namespace LayeredPrefill.Cli.Output;

/// <summary>
/// A warning before a real-kernel run on a CPU that would take minutes: the workload's FLOPs over a rate the simd engine
/// reaches on a small machine, and a workload that shows the same comparison in seconds.
/// </summary>
internal static class KernelWorkloadWarning
{
    /// <summary>FLOP/s assumed for the CPU kernels: about what simd reaches on this project's 2-core VM for small models.</summary>
    public const double AssumedFlopsPerSecond = 5e9;

    /// <summary>Runs estimated longer than this get the warning.</summary>
    public const double WarnSeconds = 180;

    /// <summary>The warning for <paramref name="specs"/>, or null when the run looks short (or runs on a GPU).</summary>
    public static string? For(IReadOnlyList<ExperimentSpec> specs, string backend)
    {
        if (backend == Kernels.BackendRegistry.Cuda) return null;
        var s = specs[0];
        var m = s.Model;
        double perTokenLayer = 2.0 * (m.AttentionParameters + m.RouterParameters + (double)m.TopK * m.ExpertParameters + m.SharedExpertParameters);
        double tokens = s.Workload.Requests.Sum(r => (double)r.PromptTokens + r.OutputTokens);
        double attention = s.Workload.Requests.Sum(r => 2.0 * (double)(r.PromptTokens + r.OutputTokens) * (r.PromptTokens + r.OutputTokens) * m.QueryHeads * m.HeadDim);
        double flops = (tokens * perTokenLayer + attention) * m.Layers + 2.0 * m.VocabSize * m.HiddenSize * s.Workload.Requests.Sum(r => (double)r.OutputTokens);
        double seconds = flops * specs.Count / AssumedFlopsPerSecond;
        if (seconds < WarnSeconds) return null;
        double meanPrompt = s.Workload.Requests.Average(r => r.PromptTokens);
        return string.Create(CultureInfo.InvariantCulture,
            $"warning: {s.Workload.Requests.Count} requests of '{s.Workload.Name}' (mean prompt {meanPrompt:F0} tokens) on {m.Name} with {backend} kernels need about {flops * specs.Count / 1e12:F1} TFLOP for {specs.Count} policies: roughly {seconds / 60:F0} min of CPU here; for a comparison in seconds try --model tiny-moe --prompt-tokens 200 --output-tokens 12 --requests 6 --rate 20");
    }
}

using LayeredPrefill.Execution.Roofline;

namespace LayeredPrefill.Experiments;

/// <summary>How the roofline model counts distinct experts: the uniform expectation, or sampled routing with a seed and a Zipf skew.</summary>
public sealed record RoutingSpec(bool Sampled = false, double ZipfSkew = 0, int Seed = 0)
{
    /// <summary>Short description for reports.</summary>
    public string Name => Sampled ? $"sampled(zipf={ZipfSkew:0.###},seed={Seed})" : "uniform";

    /// <summary>Builds the routing model.</summary>
    public IExpertRouting Create()
    {
        if (!double.IsFinite(ZipfSkew) || ZipfSkew < 0) throw new UserInputException($"--zipf-skew must be a finite number >= 0 (got {ZipfSkew})");
        return Sampled ? new SampledRouting(Seed, ZipfSkew) : new UniformRouting();
    }
}

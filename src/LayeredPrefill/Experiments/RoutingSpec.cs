using LayeredPrefill.Execution.Roofline;

namespace LayeredPrefill.Experiments;

/// <summary>How the roofline model counts distinct experts: the uniform expectation, or sampled routing with a seed and a Zipf skew.</summary>
public sealed record RoutingSpec(bool Sampled = false, double ZipfSkew = 0, int Seed = 0)
{
    /// <summary>The largest skew accepted: at 8 the top-ranked of 128 experts already draws 99.6 % of the mass.</summary>
    public const double MaxZipfSkew = 8;

    /// <summary>Short description for reports.</summary>
    public string Name => Sampled ? $"sampled(zipf={ZipfSkew:0.###},seed={Seed})" : "uniform";

    /// <summary>Builds the routing model.</summary>
    public IExpertRouting Create()
    {
        // Beyond MaxZipfSkew the top expert takes all the mass, top-k draws without replacement crawl, and nothing new is learned.
        if (!double.IsFinite(ZipfSkew) || ZipfSkew is < 0 or > MaxZipfSkew)
            throw new UserInputException($"--zipf-skew must be in [0, {MaxZipfSkew}] (got {ZipfSkew})");
        return Sampled ? new SampledRouting(Seed, ZipfSkew) : new UniformRouting();
    }
}

namespace LayeredPrefill.Execution.Roofline;

/// <summary>How many distinct routed experts a layer's batch touches: the quantity expert weight traffic is priced by.</summary>
public interface IExpertRouting
{
    /// <summary>Distinct experts (an expectation or one sample) chosen by <paramref name="tokens"/> tokens with top-<paramref name="topK"/> of <paramref name="experts"/> in <paramref name="layer"/> during iteration <paramref name="iterationIndex"/>.</summary>
    double DistinctExperts(int layer, int tokens, int experts, int topK, int iterationIndex);
}

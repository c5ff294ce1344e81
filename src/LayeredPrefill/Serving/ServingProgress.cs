namespace LayeredPrefill.Serving;

/// <summary>Where a serving run stands after an iteration, for a progress line.</summary>
/// <param name="FinishedRequests">Requests completed or refused.</param>
/// <param name="FractionDone">Token passes done over the workload's prompt + output tokens (a prefill slice counts by its share of the layers), for an ETA.</param>
public sealed record ServingProgress(int Iterations, double SimulatedSeconds, int FinishedRequests, int TotalRequests, double FractionDone);

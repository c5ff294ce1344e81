namespace LayeredPrefill.Plots;

/// <summary>One serve run as the iteration plot draws it: policy, decode rows, and iteration times in repeat order (the first <paramref name="Iterations"/> are the first repeat).</summary>
public sealed record ServeSeries(string Policy, int Decodes, int Iterations, IReadOnlyList<double> IterationMillis);

namespace LayeredPrefill.Workloads;

/// <summary>A workload and how many drawn requests were dropped for exceeding the max model length.</summary>
public sealed record BuiltWorkload(Workload Workload, int DroppedOverMaxLength);

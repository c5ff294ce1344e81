namespace LayeredPrefill.Execution;

/// <summary>Bytes moved through device memory, by kind.</summary>
public sealed record Traffic(
    double ExpertWeightBytes,
    double DenseWeightBytes,
    double KvReadBytes,
    double KvWriteBytes,
    double ActivationBytes)
{
    /// <summary>No traffic.</summary>
    public static Traffic Zero { get; } = new(0, 0, 0, 0, 0);

    /// <summary>All bytes moved.</summary>
    public double TotalBytes => ExpertWeightBytes + DenseWeightBytes + KvReadBytes + KvWriteBytes + ActivationBytes;

    public static Traffic operator +(Traffic a, Traffic b) => new(
        a.ExpertWeightBytes + b.ExpertWeightBytes,
        a.DenseWeightBytes + b.DenseWeightBytes,
        a.KvReadBytes + b.KvReadBytes,
        a.KvWriteBytes + b.KvWriteBytes,
        a.ActivationBytes + b.ActivationBytes);

    public static Traffic operator *(Traffic a, double factor) => new(
        a.ExpertWeightBytes * factor,
        a.DenseWeightBytes * factor,
        a.KvReadBytes * factor,
        a.KvWriteBytes * factor,
        a.ActivationBytes * factor);
}

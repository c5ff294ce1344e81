namespace LayeredPrefill.Scheduling;

/// <summary>A contiguous range of layers [Start, End).</summary>
public readonly record struct LayerRange(int Start, int End)
{
    /// <summary>Number of layers in the range.</summary>
    public int Count => End - Start;

    /// <summary>True when <paramref name="layer"/> lies inside the range.</summary>
    public bool Contains(int layer) => layer >= Start && layer < End;

    /// <summary>All layers of an L-layer model.</summary>
    public static LayerRange All(int layers) => new(0, layers);

    public override string ToString() => $"[{Start},{End})";
}

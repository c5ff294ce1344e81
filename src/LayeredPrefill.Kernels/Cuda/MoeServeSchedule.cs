namespace LayeredPrefill.Kernels.Cuda;

/// <summary>One iteration of a MoE-level schedule: which layers see the prefill rows, and how many rows.</summary>
/// <param name="PrefillFirstRow">First prompt row of the prefill part.</param>
/// <param name="PrefillRows">Prompt rows this iteration carries (0 for none).</param>
/// <param name="FirstLayer">First layer (inclusive) that runs the prefill rows.</param>
/// <param name="EndLayer">Layer after the last one that runs the prefill rows.</param>
public sealed record ServeIteration(int PrefillFirstRow, int PrefillRows, int FirstLayer, int EndLayer);

/// <summary>One layer call of an iteration: the layer, its rows, and whether the prefill rows are among them.</summary>
public sealed record LayerCall(int Layer, int Rows, bool Prefill);

/// <summary>Chunked and layered schedules of one prompt, at the MoE level (attention left out).</summary>
public static class MoeServeSchedule
{
    /// <summary>Chunked prefill: chunks of <paramref name="chunk"/> rows, each through every layer.</summary>
    public static IReadOnlyList<ServeIteration> Chunked(int promptTokens, int chunk, int layers)
    {
        var list = new List<ServeIteration>();
        for (int start = 0; start < promptTokens; start += chunk)
            list.Add(new ServeIteration(start, Math.Min(chunk, promptTokens - start), 0, layers));
        return list;
    }

    /// <summary>Layered prefill: the whole prompt through one of <paramref name="groups"/> nearly equal contiguous layer groups per iteration.</summary>
    public static IReadOnlyList<ServeIteration> Layered(int promptTokens, int groups, int layers)
    {
        var list = new List<ServeIteration>();
        for (int g = 0; g < groups; g++)
        {
            int first = (int)((long)g * layers / groups), end = (int)((long)(g + 1) * layers / groups);
            list.Add(new ServeIteration(0, promptTokens, first, end));
        }
        return list;
    }

    /// <summary>Every layer call of iteration <paramref name="it"/> with <paramref name="decodes"/> decode rows joining every
    /// layer, in layer order (layers with no rows make no call): the one rule the GPU runner, the calibration check and the
    /// activation-byte count share.</summary>
    public static IEnumerable<LayerCall> LayerCalls(ServeIteration it, int decodes, int layers)
    {
        for (int l = 0; l < layers; l++)
        {
            bool prefill = it.PrefillRows > 0 && l >= it.FirstLayer && l < it.EndLayer;
            int rows = prefill ? it.PrefillRows + decodes : decodes;
            if (rows > 0) yield return new LayerCall(l, rows, prefill);
        }
    }

    /// <summary>Rows of every layer call (<see cref="LayerCalls"/>).</summary>
    public static IEnumerable<int> LayerRows(ServeIteration it, int decodes, int layers) =>
        LayerCalls(it, decodes, layers).Select(c => c.Rows);

    /// <summary>Activation bytes the iteration's layer calls read (<see cref="MoeShape.ActivationReadBytes"/>).</summary>
    public static double ActivationReadBytes(ServeIteration it, int decodes, int layers, MoeShape shape) =>
        LayerRows(it, decodes, layers).Sum(shape.ActivationReadBytes);
}

namespace LayeredPrefill.Execution.Roofline;

/// <summary>One op as <see cref="RooflineExecutor"/> priced it: its class, rate slot (a class, or a shaped efficiency's slot),
/// layer (-1 outside the layers: embedding, final norm, LM head), per-GPU bytes and FLOPs, and seconds.</summary>
/// <param name="TokensPerExpert">For the routed experts: the batch's token·slots per loaded expert (null for other ops).</param>
public sealed record RooflineOp(OpClass Class, int Slot, int Layer, double Bytes, double Flops, double Seconds, double? TokensPerExpert = null);

namespace LayeredPrefill.Plots;

/// <summary>One measured iteration beside the time a calibrated profile predicts for it, as the calibration plot draws it (a group per
/// <paramref name="Policy"/> label; <paramref name="Decodes"/> -1 when the group is not a decode count).</summary>
public sealed record CalibrationDot(string Policy, int Decodes, double MeasuredMillis, double PredictedMillis);

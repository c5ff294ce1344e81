namespace LayeredPrefill.Plots;

/// <summary>One measured iteration beside the time a calibrated profile predicts for it, as the calibration plot draws it (a colour
/// and a marker per <paramref name="Policy"/> label).</summary>
public sealed record CalibrationDot(string Policy, double MeasuredMillis, double PredictedMillis);

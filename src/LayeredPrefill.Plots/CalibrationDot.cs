namespace LayeredPrefill.Plots;

/// <summary>One measured iteration beside the time a calibrated profile predicts for it, as the calibration plot draws it.</summary>
public sealed record CalibrationDot(string Policy, int Decodes, double MeasuredMillis, double PredictedMillis);

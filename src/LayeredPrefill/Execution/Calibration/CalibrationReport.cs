using LayeredPrefill.Reporting.Gpu;

namespace LayeredPrefill.Execution.Calibration;

/// <summary>What a calibration fit reports beside the profile it writes: each class's error and every iteration's prediction.</summary>
public sealed record CalibrationReport(GpuCard Device, string Model, string SamplesFile, IReadOnlyList<CalibrationError> Errors, IReadOnlyList<IterationPrediction> Iterations);

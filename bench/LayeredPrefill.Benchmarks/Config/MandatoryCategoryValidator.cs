using BenchmarkDotNet.Validators;

namespace LayeredPrefill.Benchmarks.Config;

/// <summary>Refuses to run a benchmark without one of the known <see cref="Categories"/>, so every one can be selected by category.</summary>
public sealed class MandatoryCategoryValidator : IValidator
{
    /// <summary>The one instance the config adds.</summary>
    public static readonly MandatoryCategoryValidator Default = new();

    public bool TreatsWarningsAsErrors => true;

    public IEnumerable<ValidationError> Validate(ValidationParameters validationParameters) =>
        validationParameters.Benchmarks
            .Where(b => !b.Descriptor.Categories.Any(c => Categories.All.Contains(c)))
            .Select(b => new ValidationError(true,
                $"{b.Descriptor.Type.Name}.{b.Descriptor.WorkloadMethod.Name} has no [BenchmarkCategory] from {string.Join(", ", Categories.All)}", b));
}

using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace LayeredPrefill.Benchmarks.Metrics;

/// <summary>Reads a benchmark instance's parameter values the way BenchmarkDotNet names them, for <see cref="MetricKey"/>.</summary>
public static class BenchmarkParameters
{
    /// <summary>Name and current value of every [Params]/[ParamsSource]/[ParamsAllValues] member declared on <paramref name="declaringType"/>.</summary>
    public static IEnumerable<(string Name, object? Value)> Of(object benchmark, Type declaringType)
    {
        const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static;
        foreach (var property in declaringType.GetProperties(flags).Where(IsParameter))
            yield return (property.Name, property.GetValue(property.GetMethod!.IsStatic ? null : benchmark));
        foreach (var field in declaringType.GetFields(flags).Where(IsParameter))
            yield return (field.Name, field.GetValue(field.IsStatic ? null : benchmark));
    }

    /// <summary>Writes the metrics of <paramref name="method"/> on <paramref name="benchmark"/> for the host-side diagnoser.</summary>
    public static void WriteMetrics(object benchmark, Type declaringType, string method, IReadOnlyDictionary<string, double> values) =>
        MetricsFile.Write(MetricKey.For(declaringType, method, Of(benchmark, declaringType)), values);

    private static bool IsParameter(MemberInfo member) =>
        member.IsDefined(typeof(ParamsAttribute)) || member.IsDefined(typeof(ParamsSourceAttribute)) || member.IsDefined(typeof(ParamsAllValuesAttribute));
}

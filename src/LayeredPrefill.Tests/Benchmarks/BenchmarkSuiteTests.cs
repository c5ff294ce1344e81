using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Validators;
using LayeredPrefill.Benchmarks.Ci;
using LayeredPrefill.Benchmarks.Config;
using LayeredPrefill.Benchmarks.Metrics;
using LayeredPrefill.Benchmarks.Suites;
using ServingSuite = LayeredPrefill.Benchmarks.Suites.Serving;

namespace LayeredPrefill.Tests.Benchmarks;

/// <summary>Conventions of the benchmark suite: mandatory categories, and the metric hand-over keys matching on both sides.</summary>
public class BenchmarkSuiteTests
{
    private static readonly Assembly Suite = typeof(RecommendedConfig).Assembly;

    private static IEnumerable<MethodInfo> BenchmarkMethods =>
        Suite.GetTypes().SelectMany(t => t.GetMethods()).Where(m => m.IsDefined(typeof(BenchmarkAttribute)));

    [Fact]
    public void Every_benchmark_has_a_known_category()
    {
        Assert.NotEmpty(BenchmarkMethods);
        foreach (var method in BenchmarkMethods)
        {
            var categories = method.GetCustomAttributes<BenchmarkCategoryAttribute>()
                .Concat(method.DeclaringType!.GetCustomAttributes<BenchmarkCategoryAttribute>(inherit: true))
                .SelectMany(a => a.Categories).ToArray();
            Assert.True(categories.Any(Categories.All.Contains),
                $"{method.DeclaringType!.Name}.{method.Name} needs a [BenchmarkCategory] from {string.Join(", ", Categories.All)}");
        }
    }

    public class Uncategorised
    {
        [Benchmark]
        public int Nothing() => 0;
    }

    [Fact]
    public void The_validator_refuses_a_benchmark_without_a_category()
    {
        var config = RecommendedConfig.Create();
        var info = BenchmarkConverter.TypeToBenchmarks(typeof(Uncategorised), config);
        var errors = MandatoryCategoryValidator.Default.Validate(new ValidationParameters(info.BenchmarksCases, info.Config)).ToArray();
        Assert.True(Assert.Single(errors).IsCritical);
        Assert.Contains("Uncategorised.Nothing", errors[0].Message);

        var serving = BenchmarkConverter.TypeToBenchmarks(typeof(ServingSuite), config);
        Assert.Empty(MandatoryCategoryValidator.Default.Validate(new ValidationParameters(serving.BenchmarksCases, serving.Config)));
    }

    [Theory]
    [InlineData(typeof(ServingSuite))]
    [InlineData(typeof(Simulator))]
    [InlineData(typeof(ExpertFfn))]
    [InlineData(typeof(LayerGroupIteration))]
    public void The_benchmark_and_the_host_name_every_case_alike(Type suite)
    {
        var info = BenchmarkConverter.TypeToBenchmarks(suite, RecommendedConfig.Create());
        Assert.NotEmpty(info.BenchmarksCases);
        var keys = new HashSet<string>();
        foreach (var benchmarkCase in info.BenchmarksCases)
        {
            // What BenchmarkDotNet does in the benchmark process: a fresh instance with the case's parameters set.
            object instance = Activator.CreateInstance(suite)!;
            foreach (var parameter in benchmarkCase.Parameters.Items)
                suite.GetProperty(parameter.Name)!.SetValue(instance, parameter.Value);
            string written = MetricKey.For(suite, benchmarkCase.Descriptor.WorkloadMethod.Name, BenchmarkParameters.Of(instance, suite));
            Assert.Equal(DomainMetricsDiagnoser.KeyOf(benchmarkCase), written);
            Assert.True(keys.Add(MetricKey.FileName(written)), "two cases share a hand-over file: " + written);
        }
    }

    [Fact]
    public void Metrics_survive_the_hand_over_file_exactly()
    {
        var random = new Random(17);
        var values = Enumerable.Range(0, 12).ToDictionary(i => $"Sim.M{i}", i => i == 3 ? double.NaN : (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-12, 12)));
        string key = $"Test.Method(seed={random.Next()})";
        MetricsFile.Write(key, values);
        var read = MetricsFile.Read(key);
        Assert.Equal(values.Count, read.Count);
        foreach (var (id, value) in values) Assert.Equal(value, read[id]);
        MetricsFile.Delete(key);
        Assert.Empty(MetricsFile.Read(key));
    }

    [Fact]
    public void The_CI_subset_covers_every_suite_with_few_cases()
    {
        var config = CiSubset.AddTo(RecommendedConfig.Create());
        var cases = Suite.GetTypes().Where(t => t.GetMethods().Any(m => m.IsDefined(typeof(BenchmarkAttribute))))
            .SelectMany(t => BenchmarkConverter.TypeToBenchmarks(t, config).BenchmarksCases).ToArray();
        Assert.All(cases, c => Assert.True(CiSubset.Includes(c)));
        Assert.InRange(cases.Length, 4, 24);
        Assert.Contains(cases, c => c.Descriptor.Baseline); // LayerGroupIteration's chunked baseline, so Ratio columns appear
        foreach (var type in new[] { typeof(ServingSuite), typeof(Simulator), typeof(ExpertFfn), typeof(LayerGroupIteration) })
            Assert.Contains(cases, c => c.Descriptor.Type == type);
    }

    [Fact]
    public void A_serving_case_reports_every_domain_column()
    {
        var serving = new ServingSuite { Model = "gpt-oss-20b", Trace = "arxiv" };
        serving.Setup();
        var metrics = DomainMetrics.FromServing(serving.Layered().Metrics);
        foreach (var id in new[] { "Sim.TtftMeanMs", "Sim.TtftP99Ms", "Sim.ItlP99Ms", "Sim.E2eMeanMs", "Sim.SloAttainmentPercent", "Sim.ExpertGbPerToken", "Sim.JoulesPerToken", "Sim.MbPerIteration" })
            Assert.True(metrics.TryGetValue(id, out double v) && double.IsFinite(v) && v > 0, id);
        Assert.All(metrics.Keys, id => Assert.True(DomainMetrics.ById.ContainsKey(id), id));
        // Same spec, same numbers: the gate's exact comparison of simulated metrics relies on it.
        Assert.Equal(metrics, DomainMetrics.FromServing(serving.Layered().Metrics));
    }

    [Fact]
    public void Serving_puts_chunked_as_the_baseline_of_each_model_and_trace_so_a_ratio_column_shows_layereds_effect()
    {
        var cases = BenchmarkConverter.TypeToBenchmarks(typeof(ServingSuite), RecommendedConfig.Create()).BenchmarksCases;
        var baselines = cases.Where(c => c.Descriptor.Baseline).ToArray();
        Assert.All(baselines, c => Assert.Equal(nameof(ServingSuite.Chunked), c.Descriptor.WorkloadMethod.Name));
        Assert.Equal(cases.Length / 3, baselines.Length);
        Assert.Contains(typeof(Simulator).GetCustomAttributes(true), a => a is BenchmarkDotNet.Attributes.MemoryDiagnoserAttribute);
    }

    [Fact]
    public void Csv_cells_are_plain_numbers_for_pandas()
    {
        Assert.Contains(RecommendedConfig.Create().GetExporters(), e => ReferenceEquals(e, RecommendedConfig.PlainCsv));
        Assert.All(DomainMetrics.ById.Values, d => Assert.StartsWith("F", d.NumberFormat)); // N formats group thousands ("10,732")
    }
}

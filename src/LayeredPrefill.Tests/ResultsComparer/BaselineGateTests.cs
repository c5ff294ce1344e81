using LayeredPrefill.ResultsComparer;

namespace LayeredPrefill.Tests.ResultsComparer;

/// <summary>The gate against the committed baseline (results/baseline), through the comparer's command line and exit codes.</summary>
public class BaselineGateTests
{
    private static string Baseline => Path.Combine(Fixture.RepositoryRoot(), "results", "baseline");

    /// <summary>Runs the comparer's entry point as scripts/bench-ci.sh does; returns its exit code.</summary>
    private static int Comparer(params string[] args)
    {
        var entry = typeof(Gate).Assembly.EntryPoint!;
        object? result = entry.Invoke(null, [args]);
        return result is Task<int> task ? task.GetAwaiter().GetResult() : (int)result!;
    }

    [Fact]
    public void The_committed_baseline_is_a_complete_report_of_the_CI_subset()
    {
        var results = FullJsonReader.ReadAll(Baseline, "--baseline");
        Assert.Contains(results, r => r.FullName.Contains("Serving.Chunked", StringComparison.Ordinal));
        Assert.Contains(results, r => r.FullName.Contains("Simulator.Simulate", StringComparison.Ordinal));
        Assert.All(results, r => Assert.True(r.NanosecondsPerOperation.Count >= new GateOptions().MinimumSamples, r.FullName));
        // Simulated runs carry deterministic metrics the gate holds exactly.
        Assert.All(results.Where(r => r.FullName.Contains(".Serving.", StringComparison.Ordinal) || r.FullName.Contains(".Simulator.", StringComparison.Ordinal)),
            r => Assert.Contains(r.Metrics.Keys, k => k.StartsWith("Sim.", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_identical_rerun_passes()
    {
        Assert.Equal(0, Comparer("compare", "--baseline", Baseline, "--current", FullJsonFixture.CopyEdited(Baseline, _ => { })));
    }

    [Fact]
    public void A_copy_with_timings_doubled_fails()
    {
        string slower = FullJsonFixture.CopyEdited(Baseline, b => FullJsonFixture.ScaleTimes(b, 2.0));
        Assert.Equal(1, Comparer("compare", "--baseline", Baseline, "--current", slower));
        // The baseline was measured on a shared machine, so a few noisy cases may stay inconclusive; most must not.
        var times = Gate.Compare(FullJsonReader.ReadAll(Baseline, "b"), FullJsonReader.ReadAll(slower, "n"), new GateOptions())
            .Rows.Where(r => r.Metric == "time").ToArray();
        Assert.True(times.Count(r => r.Verdict == Verdict.Slower) * 2 > times.Length, string.Join(", ", times.Select(r => r.Verdict)));
        // On a foreign machine the same slowdown is shown but does not fail.
        Assert.Equal(0, Comparer("compare", "--baseline", Baseline, "--current", slower, "--timings", "report"));
    }

    [Fact]
    public void A_copy_with_one_simulated_metric_changed_fails()
    {
        var random = new Random(42);
        bool edited = false;
        string changed = FullJsonFixture.CopyEdited(Baseline, b =>
        {
            if (edited) return;
            var metrics = b["Metrics"]!.AsArray().Where(m => m!["Descriptor"]!["Id"]!.GetValue<string>().StartsWith("Sim.", StringComparison.Ordinal)).ToArray();
            var metric = metrics[random.Next(metrics.Length)]!;
            metric["Value"] = metric["Value"]!.GetValue<double>() * (1 + 1e-6);
            edited = true;
        });
        Assert.Equal(1, Comparer("compare", "--baseline", Baseline, "--current", changed));
        // Against another build's baseline (a pull request's target branch) the move is shown, not failed.
        Assert.Equal(0, Comparer("compare", "--baseline", Baseline, "--current", changed, "--metrics", "report"));
    }

    [Theory]
    [InlineData("{ \"Benchmarks\": [ { \"FullName\": \"x\", ", "not valid JSON at line 1")]
    [InlineData("{ \"Title\": \"no benchmarks\" }", "has no 'Benchmarks' field")]
    [InlineData("{ \"Benchmarks\": [ { \"Measurements\": [], \"Metrics\": [] } ] }", "Benchmarks[0] has no 'FullName' field")]
    [InlineData("{ \"Benchmarks\": [ { \"FullName\": \"x\", \"Metrics\": [] } ] }", "Benchmarks[0] has no 'Measurements' field")]
    [InlineData("{ \"Benchmarks\": [ { \"FullName\": \"x\", \"Measurements\": [ { \"IterationMode\": \"Workload\", \"IterationStage\": \"Result\", \"Operations\": 1 } ], \"Metrics\": [] } ] }", "Benchmarks[0].Measurements[0] has no 'Nanoseconds' field")]
    [InlineData("{ \"Benchmarks\": [ { \"FullName\": \"x\", \"Measurements\": [], \"Metrics\": [ { \"Value\": true, \"Descriptor\": { \"Id\": \"Sim.A\" } } ] } ] }", "Benchmarks[0].Metrics[0].Value must be a number")]
    public void A_malformed_baseline_is_one_clear_line_and_exit_code_2(string json, string expected)
    {
        string dir = FullJsonFixture.NewFolder();
        string file = Path.Combine(dir, "Broken-report-full.json");
        File.WriteAllText(file, json);
        var error = Assert.Throws<UserInputException>(() => FullJsonReader.ReadAll(dir, "--baseline"));
        Assert.Contains(expected, error.Message);
        Assert.StartsWith(file, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(2, Comparer("compare", "--baseline", dir, "--current", Baseline));
    }

    [Fact]
    public void A_missing_baseline_folder_is_exit_code_2()
    {
        Assert.Equal(2, Comparer("compare", "--baseline", Path.Combine(FullJsonFixture.NewFolder(), "nowhere"), "--current", Baseline));
        Assert.Equal(2, Comparer("compare", "--baseline", FullJsonFixture.NewFolder(), "--current", Baseline));
        Assert.Equal(2, Comparer("compare", "--current", Baseline, "--timings", "sometimes"));
    }

    [Fact]
    public void Update_copies_a_run_into_the_baseline_folder_and_it_then_passes()
    {
        string target = Path.Combine(FullJsonFixture.NewFolder(), "baseline");
        Assert.Equal(0, Comparer("update", "--current", Baseline, "--baseline", target));
        Assert.Equal(Directory.GetFiles(Baseline, FullJsonReader.Pattern).Length, Directory.GetFiles(target, FullJsonReader.Pattern).Length);
        Assert.Equal(0, Comparer("compare", "--baseline", target, "--current", Baseline));
    }
}

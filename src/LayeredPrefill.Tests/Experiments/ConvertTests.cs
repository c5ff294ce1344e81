using System.Text.Json;
using LayeredPrefill.Experiments;
using LayeredPrefill.Tests.Cli;

namespace LayeredPrefill.Tests.Experiments;

/// <summary>`convert`: an older compare result with timelines becomes the current layout with the same metrics.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConvertTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lp-convert-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_format_1_compare_file_with_timelines_converts_to_one_flat_file_per_policy_with_the_same_numbers()
    {
        string old = Fixture.Path("results", "format1-compare-timelines.json");
        string target = Path.Combine(_dir, "new.json");
        var outcome = CliRunner.Run("convert", "--input", old, "--output", target, "--date", "20261201-120000");
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        using var before = JsonDocument.Parse(File.ReadAllText(old));
        foreach (var r in before.RootElement.GetProperty("results").EnumerateArray())
        {
            string policy = r.GetProperty("policy").GetString()!;
            using var after = JsonDocument.Parse(File.ReadAllText(ResultFiles.RunPath(target, policy)));
            var a = after.RootElement;
            foreach (string key in new[] { "mean_ttft_ms", "p99_ttft_ms", "mean_tpot_ms", "p99_itl_ms", "mean_e2el_ms", "duration", "request_throughput",
                         "slo_attainment", "expert_weight_bytes", "energy_j", "iterations" })
                Assert.Equal(r.GetProperty(key).GetDouble(), a.GetProperty(key).GetDouble(), 9);
            Assert.Equal("20261201-120000", a.GetProperty("date").GetString());
            Assert.Equal(2, a.GetProperty("format_version").GetInt32());
            Assert.True(a.GetProperty("requests").GetArrayLength() > 0);          // timelines kept
            Assert.True(a.GetProperty("iteration_log").GetArrayLength() > 0);     // and the iteration log
            Assert.True(a.TryGetProperty("max_itl_ms", out _));                   // and the new keys derived
        }
        // Converting the converted file again changes nothing: the reader takes both layouts.
        string again = Path.Combine(_dir, "again.json");
        Assert.Equal(0, CliRunner.Run("convert", "--input", target, "--output", again).ExitCode);
        Assert.Equal(File.ReadAllText(ResultFiles.RunPath(target, "chunked-128")), File.ReadAllText(ResultFiles.RunPath(again, "chunked-128")));
    }
}

using System.Text.Json;

namespace LayeredPrefill.Tests.Cli.Commands;

/// <summary>The table verbs as a script sees them: whole rows through a pipe, and typed JSON.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class TableOutputTests
{
    [Fact]
    public void Piped_models_keep_each_preset_on_one_whole_line()
    {
        var outcome = CliRunner.Run("models");
        Assert.Equal(0, outcome.ExitCode);
        string[] lines = outcome.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string qwen = Assert.Single(lines, l => l.StartsWith("qwen3-30b-a3b ", StringComparison.Ordinal));
        Assert.Contains("Qwen/Qwen3-30B-A3B", qwen);
        Assert.EndsWith("1,2,4,8,16", qwen);
        Assert.DoesNotContain(lines, l => l.Contains('…') || l.Contains('│'));
    }

    [Fact]
    public void Models_as_json_have_snake_case_keys_and_numbers_as_numbers()
    {
        var outcome = CliRunner.Run("models", "--json");
        Assert.Equal(0, outcome.ExitCode);
        using var doc = JsonDocument.Parse(outcome.StdOut);
        var qwen = doc.RootElement.EnumerateArray().Single(e => e.GetProperty("preset").GetString() == "qwen3-30b-a3b");
        Assert.Equal(48, qwen.GetProperty("layers").GetInt32());
        Assert.Equal(96, qwen.GetProperty("kv_kib_token").GetDouble());
        Assert.Equal(JsonValueKind.Number, qwen.GetProperty("weights_gb").ValueKind);
        Assert.Equal("32/4×128", qwen.GetProperty("heads_q_kv_dim").GetString());
        Assert.Equal("1,2,4,8,16", qwen.GetProperty("adaptive_g").GetString());
    }

    [Theory]
    [InlineData("KV KiB/token", "kv_kib_token")]
    [InlineData("heads q/kv×dim", "heads_q_kv_dim")]
    [InlineData("prompt mean/median/max", "prompt_mean_median_max")]
    [InlineData("model_id", "model_id")]
    [InlineData("memory MiB", "memory_mib")]
    public void Headers_become_snake_case_keys(string header, string key) =>
        Assert.Equal(key, LayeredPrefill.Cli.Output.TextTable.JsonKey(header));
}

using LayeredPrefill.Sweeps;

namespace LayeredPrefill.Tests.Sweeps;

public class SweepDefinitionJsonTests
{
    [Theory]
    [InlineData("{\"rates\": [1, \"x\"]}", "field 'rates': expected an array of numbers")]
    [InlineData("{\"rates\": [1], \"colour\": 3}", "unknown field 'colour'")]
    [InlineData("{\"rates\": [-1]}", "rates must be finite and > 0")]
    [InlineData("{\"rates\": [1], \"policies\": [\"chunky\"]}", "unknown policy 'chunky'")]
    [InlineData("{\"rates\": [1], \"policies\": [\"layered\", \"layered-adaptive\"]}", "lists 'layered-adaptive' twice")]
    [InlineData("{\"rates\": [1], \"tp\": 1.5}", "field 'tp': expected an integer")]
    [InlineData("{\"rates\": [1], \"name\": \"../up\"}", "name '../up' must be")]
    [InlineData("{\"grids\": [{\"models\": [\"qwen3-30b-a3b\"], \"rate\": [1]}]}", "unknown field 'grids[0].rate'")]
    [InlineData("{\"models\": []}", "field 'rates' is missing")]
    [InlineData("{\"rates\": [1],\n  \"tp\": }", "2:9: invalid JSON")]
    public void Bad_definition_gives_one_line_naming_file_and_field(string json, string expected)
    {
        var e = Assert.Throws<UserInputException>(() => SweepDefinitionJson.Parse(json, "my-sweep.json"));
        Assert.StartsWith("my-sweep.json:", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Written_definition_reads_back_the_same()
    {
        var random = new Random(new Random().Next());
        var def = new SweepDefinition($"s{random.Next(100)}", ["chunked-128", "layered-g4"],
            [new SweepGrid(["gpt-oss-20b"], ["sharegpt", "arxiv-long"], [random.Next(1, 9) / 2.0, 5.5], random.Next(1, 50))],
            RequestsPerPoint: null, DurationSeconds: random.Next(10, 600), Seed: random.Next(), SloItlMs: 90);
        string json = SweepDefinitionJson.Write(def);
        var back = SweepDefinitionJson.Parse(json, "x.json");
        Assert.Equal(json, SweepDefinitionJson.Write(back));
        Assert.Equal(def.Points().Select(p => p.Key), back.Points().Select(p => p.Key));
    }

    [Fact]
    public void Missing_file_is_a_user_error()
    {
        var e = Assert.Throws<UserInputException>(() => SweepDefinitionJson.ReadFile("/nonexistent/sweep.json"));
        Assert.Contains("/nonexistent/sweep.json", e.Message);
    }
}

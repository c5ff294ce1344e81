using LayeredPrefill.Models;
using LayeredPrefill.Scheduling;
using static LayeredPrefill.Tests.Scheduling.SchedulerHarness;

namespace LayeredPrefill.Tests.Scheduling;

/// <summary>Each policy record owns its knobs, defaults and name; the registry chooses one by name.</summary>
public class PolicyRegistryTests
{
    private static readonly MoeModel Qwen3 = ModelCatalog.Get("qwen3-30b-a3b");

    [Theory]
    [InlineData("chunked", "chunked-512")]
    [InlineData("chunked-256", "chunked-256")]
    [InlineData("layered", "layered-adaptive")]
    [InlineData("layered-adaptive", "layered-adaptive")]
    [InlineData("Layered-G4", "layered-g4")]
    [InlineData("layered-g4-b4096", "layered-g4-b4096")]
    [InlineData("layered-adaptive-b8192", "layered-adaptive")]
    [InlineData("prefill_first", "prefill-first")]
    public void A_name_parses_to_its_canonical_name_which_parses_back(string typed, string canonical)
    {
        var policy = PolicyRegistry.Parse(typed);
        Assert.Equal(canonical, policy.Name);
        Assert.Equal(policy, PolicyRegistry.Parse(policy.Name));
    }

    [Theory]
    [InlineData("chunked-256")]
    [InlineData("layered-g4")]
    [InlineData("layered-adaptive-b4096")]
    [InlineData("prefill-first")]
    public void The_scheduler_is_named_as_its_policy(string name)
    {
        var policy = PolicyRegistry.Parse(name);
        Assert.Equal(policy.Name, policy.CreateScheduler(Qwen3, Settings()).Name);
    }

    [Fact]
    public void Plain_names_take_the_given_knobs_and_otherwise_the_defaults()
    {
        var knobs = new PolicyKnobs(ChunkBudgetTokens: 1024, LayerGroups: new LayerGroupChoice(8), LayeredBudgetTokens: 4096);
        Assert.Equal(new ChunkedPolicy(1024), PolicyRegistry.Parse("chunked", knobs));
        Assert.Equal(new LayeredPolicy(8, 4096), PolicyRegistry.Parse("layered", knobs));
        Assert.Equal(new ChunkedPolicy(ChunkedPolicy.DefaultBudgetTokens), PolicyRegistry.Parse("chunked"));
        Assert.Equal(new LayeredPolicy(null, LayeredPolicy.DefaultBudgetTokens), PolicyRegistry.Parse("layered"));
    }

    [Theory]
    [InlineData("chunked-256", 1024, null, null, "--chunk-budget")]
    [InlineData("layered-g4", null, 8, null, "--layer-groups")]
    [InlineData("layered-adaptive", null, 8, null, "--layer-groups")]
    [InlineData("layered-g4-b4096", null, null, 2048, "--layered-budget")]
    public void A_name_and_a_knob_that_disagree_are_refused_naming_both(string name, int? chunk, int? groups, int? budget, string option)
    {
        var knobs = new PolicyKnobs(chunk, groups is { } g ? new LayerGroupChoice(g) : null, budget);
        var e = Assert.Throws<UserInputException>(() => PolicyRegistry.Parse(name, knobs));
        Assert.Contains($"'{name}'", e.Message);
        Assert.Contains(option, e.Message);
    }

    [Fact]
    public void A_name_and_a_knob_that_agree_are_accepted()
    {
        Assert.Equal(new ChunkedPolicy(256), PolicyRegistry.Parse("chunked-256", new PolicyKnobs(ChunkBudgetTokens: 256)));
        Assert.Equal(new LayeredPolicy(4), PolicyRegistry.Parse("layered-g4", new PolicyKnobs(LayerGroups: new LayerGroupChoice(4))));
        Assert.Equal(new LayeredPolicy(null), PolicyRegistry.Parse("layered-adaptive", new PolicyKnobs(LayerGroups: LayerGroupChoice.Adaptive)));
    }

    [Fact]
    public void Layer_groups_beyond_the_model_are_refused_by_the_one_rule()
    {
        var e = Assert.Throws<UserInputException>(() => new LayeredPolicy(49).Validate(Qwen3));
        Assert.Equal("--layer-groups must be in [1, 48] for 'qwen3-30b-a3b' (got 49)", e.Message);
        Assert.Throws<UserInputException>(() => LayerGroups.Parse("0"));
        Assert.Equal(new LayerGroupChoice(3), LayerGroups.Parse("3"));
    }
}

using LayeredPrefill.Models;
using Xunit;

namespace LayeredPrefill.Tests.Models;

public class ModelCatalogTests
{
    [Fact]
    public void Qwen3_byte_counts_match_the_reference()
    {
        MoeModel m = ModelCatalog.Get("qwen3-30b-a3b");
        Assert.Equal(3L * 2048 * 768 * 2, m.ExpertBytes);
        Assert.Equal(9.44, m.ExpertBytes / 1e6, 2);
        Assert.Equal(1.208, m.ExpertBytesPerLayer / 1e9, 3);
        Assert.Equal(58.0, m.ExpertBytesTotal / 1e9, 1);
        Assert.Equal(96 * 1024, m.KvBytesPerToken);
        Assert.Equal(151936, m.VocabSize);
        Assert.True(m.RenormalizeTopK);
        Assert.Equal(32768, m.MaxModelLengthTokens);
    }

    [Fact]
    public void Gpt_oss_byte_counts_match_the_reference()
    {
        MoeModel m = ModelCatalog.Get("gpt-oss-20b");
        Assert.Equal(1.593, m.ExpertBytesPerLayer / 1e9, 3);
        Assert.Equal(48 * 1024, m.KvBytesPerToken);
        Assert.Equal(128, m.SlidingWindowTokens);
        Assert.Equal(7.0, m.SwigluClampLimit);
        Assert.True(m.IsSlidingWindowLayer(0));
        Assert.False(m.IsSlidingWindowLayer(1));
        Assert.Equal(201088, m.VocabSize);
    }

    [Fact]
    public void Mixtral_byte_counts_match_the_reference()
    {
        MoeModel m = ModelCatalog.Get("mixtral-8x7b");
        Assert.Equal(2.819, m.ExpertBytesPerLayer / 1e9, 3);
        Assert.Equal(32000, m.VocabSize);
        Assert.Equal(2L * 8 * 128 * 2 * 32, m.KvBytesPerToken);
    }

    [Fact]
    public void Deepseek_v2_lite_has_latent_attention_a_dense_first_layer_and_shared_experts()
    {
        MoeModel m = ModelCatalog.Get("deepseek-v2-lite");
        Assert.True(m.UsesLatentAttention);
        Assert.Equal(26, m.MoeLayers);
        Assert.False(m.IsMoeLayer(0));
        Assert.True(m.IsMoeLayer(1));
        Assert.Equal((512 + 64) * 2, m.KvBytesPerTokenPerLayer);
        Assert.Equal(3L * 2048 * 1408 * 2 * 64, m.ExpertBytesPerLayer);
        Assert.Equal(3L * 2048 * 1408 * 2, m.SharedExpertParameters);
        Assert.False(m.RenormalizeTopK);
    }

    // Published total parameter counts: an independent check that the attention, embedding and expert shapes are right.
    [Theory]
    [InlineData("qwen3-30b-a3b", 30.5)]
    [InlineData("gpt-oss-20b", 20.9)]
    [InlineData("mixtral-8x7b", 46.7)]
    [InlineData("deepseek-v2-lite", 15.7)]
    public void Total_parameters_match_the_published_size(string name, double billions)
    {
        MoeModel m = ModelCatalog.Get(name);
        double parameters = m.TotalWeightBytes / (double)m.BytesPerWeight;
        Assert.InRange(parameters / 1e9, billions * 0.985, billions * 1.015);
    }

    [Fact]
    public void Every_preset_is_valid_and_found_by_its_name_in_any_case()
    {
        Assert.Equal(["qwen3-30b-a3b", "gpt-oss-20b", "mixtral-8x7b", "deepseek-v2-lite", "tiny-moe", "small-moe"], ModelCatalog.Names);
        foreach (MoeModel m in ModelCatalog.All)
        {
            m.Validate(m.Name);
            Assert.Same(m, ModelCatalog.Get(m.Name.ToUpperInvariant()));
        }
    }

    [Fact]
    public void Small_presets_have_the_requested_shapes()
    {
        Assert.Equal(new MoeModel("tiny-moe", 4, 256, 8, 2, 32, 16, 2, 128, 512), ModelCatalog.Get("tiny-moe"));
        Assert.Equal(new MoeModel("small-moe", 8, 1024, 16, 4, 64, 64, 4, 512, 4096), ModelCatalog.Get("small-moe"));
    }

    [Fact]
    public void Unknown_name_lists_the_valid_ones()
    {
        var e = Assert.Throws<UserInputException>(() => ModelCatalog.Get("llama-7b"));
        Assert.Contains("'llama-7b'", e.Message);
        foreach (string name in ModelCatalog.Names) Assert.Contains(name, e.Message);
    }

    [Fact]
    public void A_name_or_a_config_path_gives_a_model()
    {
        Assert.Same(ModelCatalog.Get("gpt-oss-20b"), ModelCatalog.GetOrReadConfig("GPT-OSS-20B"));
        Assert.Equal(24, ModelCatalog.GetOrReadConfig(Fixture.Path("configs", "gpt_oss_20b.json")).Layers);
        Assert.Throws<UserInputException>(() => ModelCatalog.GetOrReadConfig("no/such/config.json"));
    }

    [Theory]
    [InlineData("qwen3-30b-a3b", new[] { 1, 2, 4, 8, 16 })]
    [InlineData("gpt-oss-20b", new[] { 1, 2, 4, 6, 12 })]
    [InlineData("mixtral-8x7b", new[] { 1, 2, 4, 8, 16 })]
    [InlineData("deepseek-v2-lite", new[] { 1, 2, 4, 8, 16 })]
    [InlineData("tiny-moe", new[] { 1, 2, 4, 4, 4 })]
    [InlineData("small-moe", new[] { 1, 2, 4, 8, 8 })]
    public void Adaptive_ladder_matches_the_authors_table(string name, int[] expected) =>
        Assert.Equal(expected, ModelCatalog.AdaptiveGroupLadder(ModelCatalog.Get(name)));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(512, 1)]
    [InlineData(513, 2)]
    [InlineData(1024, 2)]
    [InlineData(2048, 4)]
    [InlineData(4096, 8)]
    [InlineData(4097, 16)]
    [InlineData(8192, 16)]
    public void Adaptive_group_count_follows_the_prompt_thresholds(int promptTokens, int groups) =>
        Assert.Equal(groups, LayeredPrefill.Scheduling.LayerGroups.Adaptive(ModelCatalog.AdaptiveGroupLadder(ModelCatalog.Get("qwen3-30b-a3b")), promptTokens, 48));

    [Fact]
    public void Ladder_is_non_decreasing_and_within_the_layer_count_for_random_depths()
    {
        var random = new Random(20261127);
        MoeModel baseModel = ModelCatalog.Get("tiny-moe");
        for (int trial = 0; trial < 200; trial++)
        {
            int layers = random.Next(1, 100);
            var ladder = ModelCatalog.AdaptiveGroupLadder(baseModel with { Layers = layers });
            Assert.Equal(5, ladder.Count);
            Assert.Equal(1, ladder[0]);
            for (int i = 0; i < ladder.Count; i++)
            {
                Assert.InRange(ladder[i], 1, layers);
                if (i > 0) Assert.True(ladder[i] >= ladder[i - 1]);
            }
        }
    }
}

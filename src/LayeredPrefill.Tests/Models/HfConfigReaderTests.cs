using System.Globalization;
using LayeredPrefill.Models;
using Xunit;

namespace LayeredPrefill.Tests.Models;

public class HfConfigReaderTests
{
    private static string Config(string file) => Fixture.Path("configs", file);

    [Theory]
    [InlineData("qwen3_30b_a3b.json", "qwen3-30b-a3b")]
    [InlineData("gpt_oss_20b.json", "gpt-oss-20b")]
    [InlineData("mixtral_8x7b.json", "mixtral-8x7b")]
    [InlineData("deepseek_v2_lite.json", "deepseek-v2-lite")]
    public void Real_configs_read_to_the_preset_shapes(string file, string preset)
    {
        MoeModel read = HfConfigReader.ReadFile(Config(file), preset, ModelCatalog.PaperMaxModelLengthTokens);
        Assert.Equal(ModelCatalog.Get(preset), read);
    }

    [Fact]
    public void Name_defaults_to_the_file_stem_and_length_to_max_position_embeddings()
    {
        MoeModel read = HfConfigReader.ReadFile(Config("qwen3_30b_a3b.json"));
        Assert.Equal("qwen3_30b_a3b", read.Name);
        Assert.Equal(40960, read.MaxModelLengthTokens);
    }

    [Fact]
    public void A_config_json_is_named_after_its_folder()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"lp-hf-{Guid.NewGuid():N}", "Mixtral-8x7B-v0.1");
        Directory.CreateDirectory(folder);
        try
        {
            string path = Path.Combine(folder, "config.json");
            File.Copy(Config("mixtral_8x7b.json"), path);
            Assert.Equal("Mixtral-8x7B-v0.1", HfConfigReader.ReadFile(path).Name);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        }
    }

    [Theory]
    [InlineData("broken_topk_exceeds_experts.json", "field 'num_experts_per_tok' (200) must not exceed num_experts (128)")]
    [InlineData("broken_heads_not_divisible.json", "field 'num_key_value_heads' (5) must divide num_attention_heads (32)")]
    [InlineData("broken_missing_field.json", "field 'moe_intermediate_size' is missing")]
    [InlineData("broken_unknown_model_type.json", "field 'model_type' is 'llama', which is not supported (supported: qwen3_moe, qwen2_moe, mixtral, gpt_oss, deepseek_v2, deepseek_v3)")]
    [InlineData("broken_wrong_type.json", "field 'hidden_size' must be a number (got the string \"2048\")")]
    [InlineData("broken_dtype.json", "field 'torch_dtype': unknown dtype 'int4'")]
    [InlineData("broken_gpt_oss_experts_alias.json", "field 'experts_per_token' (2) contradicts num_experts_per_tok (4)")]
    [InlineData("broken_gpt_oss_layer_types.json", "field 'layer_types' has 23 entries but num_hidden_layers is 24")]
    [InlineData("broken_deepseek_dense_layers.json", "field 'first_k_dense_replace' (27) must be less than num_hidden_layers (27)")]
    [InlineData("broken_deepseek_q_lora.json", "field 'q_lora_rank' is set")]
    public void Broken_configs_name_the_file_and_the_field(string file, string expected)
    {
        var e = Assert.Throws<UserInputException>(() => HfConfigReader.ReadFile(Config(file)));
        Assert.StartsWith(Config(file) + ": ", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Gpt_oss_top_k_may_be_spelled_experts_per_token_alone()
    {
        string json = File.ReadAllText(Config("gpt_oss_20b.json")).Replace("\"num_experts_per_tok\": 4,", "");
        Assert.DoesNotContain("num_experts_per_tok", json);
        Assert.Equal(4, HfConfigReader.Parse(json, "gpt.json").TopK);
    }

    [Fact]
    public void Malformed_json_reports_line_and_byte_position()
    {
        // The missing comma after line 3 shows at line 4, on the quote in byte 3.
        var e = Assert.Throws<UserInputException>(() => HfConfigReader.ReadFile(Config("broken_malformed.json")));
        Assert.StartsWith(Config("broken_malformed.json") + ":4:3: malformed JSON", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Missing_file_is_a_user_error()
    {
        var e = Assert.Throws<UserInputException>(() => HfConfigReader.ReadFile(Config("no_such_config.json")));
        Assert.Contains("no_such_config.json", e.Message);
    }

    [Fact]
    public void Non_object_root_and_missing_model_type_are_refused()
    {
        Assert.Contains("JSON object", Assert.Throws<UserInputException>(() => HfConfigReader.Parse("[1,2]", "x.json")).Message);
        Assert.Contains("field 'model_type' is missing",
            Assert.Throws<UserInputException>(() => HfConfigReader.Parse("{\"hidden_size\": 8}", "x.json")).Message);
    }

    [Fact]
    public void Random_qwen3_shapes_round_trip_through_the_reader()
    {
        var random = new Random(4242);
        for (int trial = 0; trial < 100; trial++)
        {
            int kvHeads = random.Next(1, 9), heads = kvHeads * random.Next(1, 9), headDim = 16 * random.Next(1, 9);
            int layers = random.Next(1, 64), hidden = 64 * random.Next(1, 64), experts = random.Next(1, 257);
            int topK = random.Next(1, experts + 1), ffn = 32 * random.Next(1, 64), vocab = random.Next(1, 200_000);
            bool renorm = random.Next(2) == 1;
            string dtype = new[] { "bfloat16", "float16", "float32" }[random.Next(3)];
            string json = string.Create(CultureInfo.InvariantCulture, $$"""
                {"model_type": "qwen3_moe", "num_hidden_layers": {{layers}}, "hidden_size": {{hidden}},
                 "num_attention_heads": {{heads}}, "num_key_value_heads": {{kvHeads}}, "head_dim": {{headDim}},
                 "num_experts": {{experts}}, "num_experts_per_tok": {{topK}}, "moe_intermediate_size": {{ffn}},
                 "vocab_size": {{vocab}}, "norm_topk_prob": {{(renorm ? "true" : "false")}}, "torch_dtype": "{{dtype}}"}
                """);
            MoeModel m = HfConfigReader.Parse(json, "random.json", "r");
            var expected = new MoeModel("r", layers, hidden, heads, kvHeads, headDim, experts, topK, ffn, vocab,
                WeightDtypeExtensions.Parse(dtype, "test"), renorm, MaxModelLengthTokens: ModelCatalog.PaperMaxModelLengthTokens);
            Assert.Equal(expected, m);
        }
    }
}

/// <summary>The model types and the folder layout added for users' checkpoints: qwen2_moe, deepseek_v3, a model folder.</summary>
public sealed class HfModelFolderTests
{
    [Fact]
    public void A_model_folder_reads_its_config_and_is_named_after_the_folder()
    {
        var m = HfConfigReader.ReadFile(Fixture.Path("models", "Qwen1.5-MoE-A2.7B"));
        Assert.Equal("Qwen1.5-MoE-A2.7B", m.Name);
        Assert.Equal((24, 60, 4, 1408), (m.Layers, m.Experts, m.TopK, m.ExpertFfnSize));
        Assert.Equal((1, 5632), (m.SharedExperts, m.SharedExpertFfnSize));
        Assert.False(m.RenormalizeTopK);
        // 14.3 B parameters (Qwen1.5-MoE-A2.7B's model card): the shared expert counts.
        Assert.InRange(m.TotalWeightBytes / 2 / 1e9, 14.0, 14.6);
    }

    [Fact]
    public void DeepSeek_v3_has_low_rank_queries_three_dense_layers_and_fp8_weights()
    {
        var m = HfConfigReader.ReadFile(Fixture.Path("models", "DeepSeek-V3", "config.json"));
        Assert.Equal("DeepSeek-V3", m.Name);
        Assert.Equal((61, 3, 256, 8, 1), (m.Layers, m.DenseLayers, m.Experts, m.TopK, m.SharedExperts));
        Assert.Equal(1536, m.QueryLoraRank);
        Assert.Equal(WeightDtype.Fp8, m.WeightDtype);
        // 671 B parameters of which the 14 B multi-token-prediction layer is not served: ~657 B in fp8 bytes.
        Assert.InRange(m.TotalWeightBytes / 1e9, 640, 680);
    }
}

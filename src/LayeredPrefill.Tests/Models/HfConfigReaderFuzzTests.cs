using LayeredPrefill.Models;

namespace LayeredPrefill.Tests.Models;

/// <summary>Seeded fuzzing of the config.json reader: random and mutated configs give a model with real byte counts or a user error.</summary>
public class HfConfigReaderFuzzTests
{
    public const int ConfigInputs = 3000;

    [Fact]
    public void Random_and_mutated_model_configs_give_a_model_or_a_user_error()
    {
        string[] bases = ["qwen3_30b_a3b.json", "gpt_oss_20b.json", "mixtral_8x7b.json", "deepseek_v2_lite.json"];
        var texts = bases.Select(b => File.ReadAllText(Fixture.Path("configs", b))).ToArray();
        int valid = 0;
        for (int seed = 0; seed < ConfigInputs; seed++)
        {
            var rng = new Random(seed);
            string text = rng.Next(2) == 0 ? ReaderFuzz.MutateJson(rng, texts[rng.Next(texts.Length)]) : ReaderFuzz.Mutate(rng, texts[rng.Next(texts.Length)], [], "{}[]\":,-.e0123456789 null");
            if (ReaderFuzz.Outcome(seed, text, () => CheckModel(HfConfigReader.Parse(text, "fuzz/config.json")))) valid++;
        }
        Assert.InRange(valid, ConfigInputs / 20, ConfigInputs - ConfigInputs / 20);
    }

    private static void CheckModel(MoeModel m)
    {
        // Derived byte counts must be real sizes, not wrapped-around longs.
        Assert.True(m.TotalWeightBytes > 0, $"{m}: weights {m.TotalWeightBytes} bytes");
        Assert.True(m.ExpertBytesTotal > 0 && m.KvBytesPerToken > 0, $"{m}: experts {m.ExpertBytesTotal}, KV/token {m.KvBytesPerToken}");
    }
}

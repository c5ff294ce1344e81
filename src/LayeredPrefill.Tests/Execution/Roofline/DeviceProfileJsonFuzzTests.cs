using LayeredPrefill.Execution.Roofline;

namespace LayeredPrefill.Tests.Execution.Roofline;

/// <summary>Seeded fuzzing of the device profile reader: random and mutated profiles give a complete profile or a user error.</summary>
public class DeviceProfileJsonFuzzTests
{
    public const int DeviceInputs = 1500;

    [Fact]
    public void Random_and_mutated_device_profiles_give_a_profile_or_a_user_error()
    {
        string text0 = File.ReadAllText(Fixture.Path("devices", "valid.json"));
        int valid = 0;
        for (int seed = 0; seed < DeviceInputs; seed++)
        {
            var rng = new Random(seed);
            string text = rng.Next(2) == 0 ? ReaderFuzz.MutateJson(rng, text0) : ReaderFuzz.Mutate(rng, text0, [], "{}[]\":,-.e0123456789 null");
            if (ReaderFuzz.Outcome(seed, text, () => CheckDevice(DeviceProfileJson.Parse(text, "fuzz.json")))) valid++;
        }
        Assert.True(valid > 0, "no mutated device profile was valid: the mutator no longer tests the accepting path");
    }

    private static void CheckDevice(DeviceProfile d)
    {
        Assert.True(d.MemoryBytes > 0 && d.PeakMemoryBytesPerSecond > 0 && d.PeakMatrixFlopsPerSecond > 0);
        Assert.Equal(Enum.GetValues<OpClass>().Length, d.Efficiency.Count);
    }
}

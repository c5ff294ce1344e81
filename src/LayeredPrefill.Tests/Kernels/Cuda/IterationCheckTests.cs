using System.Text.Json;
using LayeredPrefill.Kernels.Cuda;
using LayeredPrefill.Execution.Roofline;
using Xunit;

namespace LayeredPrefill.Tests.Kernels.Cuda;

/// <summary>The whole-iteration check of a calibrated profile against measured gpu-serve-moe iterations.</summary>
public class IterationCheckTests
{
    private static DeviceProfile Profile(double expertCompute, double routerOverhead) => DeviceCatalog.Get("h100-sxm") with
    {
        Efficiency = new Dictionary<OpClass, OpEfficiency>(DeviceCatalog.Get("h100-sxm").Efficiency)
        {
            [OpClass.ExpertGemm] = new(expertCompute, 0.8, 30e-6),
            [OpClass.Router] = new(0.05, 0.5, routerOverhead),
        },
    };

    // A serve file whose iteration times are what `truth` predicts, scaled per repeat.
    private static string ServeFile(DeviceProfile truth, int layers, int prompt, int chunk, int groups, int[] decodes, double[] repeatScale)
    {
        var results = new List<object>();
        foreach (var policy in new[] { "chunked", "layered" })
            foreach (int d in decodes)
            {
                var schedule = policy == "chunked" ? MoeServeSchedule.Chunked(prompt, chunk, layers) : MoeServeSchedule.Layered(prompt, groups, layers);
                var times = new List<double>();
                foreach (double scale in repeatScale)
                    foreach (var it in schedule)
                    {
                        double s = 0;
                        for (int l = 0; l < layers; l++)
                        {
                            int rows = (it.PrefillRows > 0 && l >= it.FirstLayer && l < it.EndLayer ? it.PrefillRows : 0) + d;
                            if (rows > 0) s += IterationCheck.LayerSeconds(truth, MoeShape.Qwen3, rows);
                        }
                        times.Add(s * 1e3 * scale);
                    }
                results.Add(new { Policy = policy, DecodeTokens = d, Iterations = schedule.Count, Repeats = repeatScale.Length, IterationMillis = times });
            }
        string path = Path.Combine(Path.GetTempPath(), $"serve-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { device = "test card", layers, prompt, chunk, groups, results }));
        return path;
    }

    [Fact]
    public void ThePredictingProfileHasNoErrorAndAnotherOneHasTheExpectedError()
    {
        var random = new Random(23);
        var truth = Profile(0.15 + 0.1 * random.NextDouble(), 20e-6 + 10e-6 * random.NextDouble());
        // Repeats scaled 0.9, 1.0, 1.3: the median repeat is the unscaled one.
        string path = ServeFile(truth, layers: 8, prompt: 2048, chunk: 512, groups: 4, decodes: [0, 32], repeatScale: [0.9, 1.0, 1.3]);
        try
        {
            var file = IterationCheck.ReadServeFile(path);
            var rows = IterationCheck.Predict(truth, MoeShape.Qwen3, file);
            Assert.Equal(2 * 2 * 4, rows.Count);
            Assert.True(IterationCheck.Mape(rows) < 1e-9);
            // Chunked: every iteration runs all 8 layers; layered without decodes only its group's 2 layers.
            Assert.All(rows.Where(r => r.Policy == "chunked"), r => Assert.Equal(8, r.LayerCalls));
            Assert.All(rows.Where(r => r.Policy == "layered" && r.Decodes == 0), r => Assert.Equal(2, r.LayerCalls));
            Assert.All(rows.Where(r => r.Policy == "layered" && r.Decodes == 32), r => Assert.Equal(8, r.LayerCalls));
            // A profile with every layer call 25 µs slower over-predicts each iteration by 25 µs per layer call.
            var slower = truth with
            {
                Efficiency = new Dictionary<OpClass, OpEfficiency>(truth.Efficiency)
                {
                    [OpClass.Router] = truth.For(OpClass.Router) with { LaunchOverheadSeconds = truth.For(OpClass.Router).LaunchOverheadSeconds + 25e-6 },
                },
            };
            var off = IterationCheck.Predict(slower, MoeShape.Qwen3, file);
            for (int i = 0; i < rows.Count; i++)
                Assert.Equal(rows[i].MeasuredMillis + 0.025 * rows[i].LayerCalls, off[i].PredictedMillis, 9);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("{\"device\":\"x\"}")]
    [InlineData("not json")]
    [InlineData("{\"device\":\"x\",\"layers\":4,\"prompt\":1024,\"chunk\":512,\"groups\":2,\"results\":[{\"Policy\":\"fifo\",\"DecodeTokens\":0,\"Iterations\":2,\"Repeats\":1,\"IterationMillis\":[1,2]}]}")]
    [InlineData("{\"device\":\"x\",\"layers\":4,\"prompt\":1024,\"chunk\":512,\"groups\":2,\"results\":[{\"Policy\":\"chunked\",\"DecodeTokens\":0,\"Iterations\":2,\"Repeats\":2,\"IterationMillis\":[1,2,3]}]}")]
    public void MalformedServeFilesAreUserErrors(string json)
    {
        string path = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        try { Assert.Throws<UserInputException>(() => IterationCheck.ReadServeFile(path)); }
        finally { File.Delete(path); }
        Assert.Throws<UserInputException>(() => IterationCheck.ReadServeFile(path));   // now missing
    }
}

/// <summary>The activation bytes that, added to the expert bytes, should match Nsight Compute's DRAM reads.</summary>
public class ActivationBytesTests
{
    [Fact]
    public void OneLayerCallReadsInputsGatheredRowsSiluRowsAndPerSlotOutputsOnce()
    {
        var shape = MoeShape.Qwen3;
        // 544 rows: 544·2048·2 + 4352·(2048·2 + 768·2 + 2048·2) bytes.
        Assert.Equal(544.0 * 4096 + 4352.0 * (4096 + 1536 + 4096), shape.ActivationReadBytes(544));
        Assert.Equal(0, shape.ActivationReadBytes(0));
        var random = new Random(31);
        int a = random.Next(1, 5000), b = random.Next(1, 5000);
        Assert.Equal(shape.ActivationReadBytes(a) + shape.ActivationReadBytes(b), shape.ActivationReadBytes(a + b), 6);
    }

    [Fact]
    public void TheProfiledIterationsOfRunTenReadTheBytesTheReadmeQuotes()
    {
        var shape = MoeShape.Qwen3;
        // gpu-serve-moe --layers 4 --decodes 32 --profile chunked|layered: first iteration of each schedule.
        var chunked = MoeServeSchedule.Chunked(8192, 512, 4)[0];
        var layered = MoeServeSchedule.Layered(8192, 4, 4)[0];
        Assert.Equal(new[] { 544, 544, 544, 544 }, MoeServeSchedule.LayerRows(chunked, 32, 4));
        Assert.Equal(new[] { 8224, 32, 32, 32 }, MoeServeSchedule.LayerRows(layered, 32, 4));
        Assert.Equal(178_257_920, MoeServeSchedule.ActivationReadBytes(chunked, 32, 4, shape));
        Assert.Equal(681_574_400, MoeServeSchedule.ActivationReadBytes(layered, 32, 4, shape));
        // Without decode rows a layered iteration calls only its group's layer.
        Assert.Equal(new[] { 8192 }, MoeServeSchedule.LayerRows(MoeServeSchedule.Layered(8192, 4, 4)[1], 0, 4));
    }
}

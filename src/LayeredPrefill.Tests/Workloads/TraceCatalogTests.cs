using LayeredPrefill.Workloads;
using Xunit;

namespace LayeredPrefill.Tests.Workloads;

public class TraceCatalogTests
{
    [Theory]
    [InlineData("arxiv-long", 1985, 9734)]
    [InlineData("arxiv", 28257, 2588)]
    [InlineData("sharegpt", 30731, 2340)]
    public void Embedded_traces_load_with_the_documented_rows_and_mean_prompt(string name, int rows, int meanPrompt)
    {
        Trace t = TraceCatalog.Load(name);
        Assert.Equal(name, t.Name);
        Assert.Equal(rows, t.Rows.Count);
        Assert.False(t.HasTimestamps);
        Assert.Equal(meanPrompt, t.Rows.Average(r => r.PromptTokens), 0.5);
    }

    [Fact]
    public void File_stems_are_accepted_too()
    {
        Assert.Equal(1985, TraceCatalog.Load("arxiv_long_sample").Rows.Count);
        Assert.Equal("sharegpt", TraceCatalog.Load("SHAREGPT_8K.csv").Name);
        Assert.Equal(["arxiv-long", "arxiv", "sharegpt"], TraceCatalog.Names);
    }

    [Fact]
    public void Unknown_name_lists_the_valid_ones()
    {
        var e = Assert.Throws<UserInputException>(() => TraceCatalog.Load("lmsys"));
        Assert.Contains("'lmsys'", e.Message);
        foreach (string name in TraceCatalog.Names) Assert.Contains(name, e.Message);
    }

    [Fact]
    public void A_path_that_is_not_a_name_reads_the_file()
    {
        Trace t = TraceCatalog.LoadNameOrFile(Fixture.Path("traces", "good_splitwise.csv"));
        Assert.Equal(4, t.Rows.Count);
        Assert.Throws<UserInputException>(() => TraceCatalog.LoadNameOrFile("no/such/trace.csv"));
    }
}

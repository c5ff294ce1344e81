using LayeredPrefill.Plots.Reports;
using LayeredPrefill.Reporting.Reports;
using LayeredPrefill.Sweeps;
using LayeredPrefill.Tests.Sweeps;

namespace LayeredPrefill.Tests.Plots.Reports;

public class ReportTests
{
    [Fact]
    public async Task Report_links_only_files_that_exist_and_html_is_self_contained()
    {
        var def = SweepTestData.Tiny("report", new Random().Next(1000));
        string root = SweepTestData.TempDir();
        var store = new SweepStore(root, def.Name);
        await SweepRunner.RunAsync(def, store);
        var (md, html) = SweepReport.Write(def, store, Path.Combine(root, "reports"));
        string text = File.ReadAllText(md);
        var links = ReportRenderer.LinkedFiles(text);
        Assert.NotEmpty(links);
        string folder = Path.GetDirectoryName(md)!;
        foreach (string link in links) Assert.True(File.Exists(Path.Combine(folder, link)), $"report.md links to missing {link}");
        Assert.Contains(".png", string.Join(" ", links));
        string page = File.ReadAllText(html);
        Assert.Contains("data:image/png;base64,", page);
        Assert.DoesNotContain("src=\"plots/", page);
        foreach (string policy in def.Policies) Assert.Contains(policy, text);
    }

    [Fact]
    public void Report_of_a_sweep_without_points_is_a_user_error()
    {
        var def = SweepTestData.Tiny("empty");
        var store = new SweepStore(SweepTestData.TempDir(), def.Name);
        var e = Assert.Throws<UserInputException>(() => SweepReport.Write(def, store, Path.Combine(store.Folder, "reports")));
        Assert.Contains("no finished points", e.Message);
    }
}

using System.Text;
using static LayeredPrefill.Experiments.FlatCsv;

namespace LayeredPrefill.ResultsComparer;

/// <summary>The gate's table as CSV with plain numbers (time in ns, metrics as measured, change as a ratio - 1), for pandas or a spreadsheet.</summary>
public static class CsvReport
{
    /// <summary>One row per table row: benchmark,metric,unit,baseline,now,change,verdict.</summary>
    public static string Render(GateReport report)
    {
        var text = new StringBuilder("benchmark,metric,unit,baseline,now,change,verdict\n");
        foreach (var row in report.Rows)
            text.Append(Quote(row.Benchmark)).Append(',').Append(Quote(row.Metric)).Append(',').Append(row.Unit).Append(',')
                .Append(Number(row.Baseline)).Append(',').Append(Number(row.Now)).Append(',').Append(Number(row.RelativeChange)).Append(',')
                .Append(Quote(row.Verdict.Text().Trim('*'))).Append('\n');
        return text.ToString();
    }
}

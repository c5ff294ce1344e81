using System.CommandLine;
using LayeredPrefill.ResultsComparer;

var root = new RootCommand("Regression gate for the benchmark suite: compares BenchmarkDotNet Full JSON reports with a baseline.")
{
    CompareCommand.Create(),
    UpdateCommand.Create(),
};
// The CLI's option rules (plain numbers, no empty values), the same source file.
LayeredPrefill.Cli.OptionRules.Apply(root);
var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    Console.Error.WriteLine($"error: {parse.Errors[0].Message} (see --help)");
    return ComparerHost.BadInput;
}
return await parse.InvokeAsync();

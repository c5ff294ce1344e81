using System.CommandLine;

namespace LayeredPrefill.Cli.Commands;

/// <summary>The command tree: every verb, built once here so the entry point and the tests parse the same tree.</summary>
internal static class CliRoot
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Chunked vs layered prefill for Mixture-of-Experts serving: simulate, run kernels, compare.");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(ConvertCommand.Create());
        root.Subcommands.Add(SchemaCommand.Create());
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(TracesCommand.Create());
        root.Subcommands.Add(SweepCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(PaperCommand.Create());
        root.Subcommands.Add(GpuPtxCommand.Create());
        root.Subcommands.Add(GpuMoeBenchCommand.Create());
        root.Subcommands.Add(CalibrateCommand.Create());
        root.Subcommands.Add(CalibrationCheckCommand.Create());
        root.Subcommands.Add(GpuReportCommand.Create());
        root.Subcommands.Add(DevicesCommand.Create());
        root.Subcommands.Add(SelfTestCommand.Create());
        root.Subcommands.Add(KernelBenchCommand.Create());
        root.Subcommands.Add(DecodeBenchCommand.Create());
        OptionRules.Apply(root);
        return root;
    }
}

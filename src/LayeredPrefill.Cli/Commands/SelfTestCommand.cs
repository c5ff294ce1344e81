using System.CommandLine;
using LayeredPrefill.Cli.Options;
using LayeredPrefill.Kernels.Verification;
using LayeredPrefill.Kernels;

namespace LayeredPrefill.Cli.Commands;

/// <summary>`selftest --backend X`: kernel-vs-float64 checks and schedule invariance on one backend; exit 1 on failure.</summary>
internal static class SelfTestCommand
{
    internal static Command Create()
    {
        var backend = SharedOptions.Backend("to check");
        var seed = SharedOptions.Seed("inputs, weights and prompts");
        var command = new Command("selftest", "Check each kernel against float64 and that every schedule gives identical tokens and KV") { backend, seed };
        command.SetAction(parse => CliHost.Guard(() =>
        {
            string name = parse.GetValue(backend)!;
            var probe = BackendRegistry.RequireUsable(name);
            Console.WriteLine($"selftest on {name} ({probe.Device}), seed {parse.GetValue(seed)}");
            var rows = BackendSelfTest.Run(name, parse.GetValue(seed));
            int width = rows.Max(r => r.Check.Length);
            foreach (var r in rows)
                Console.WriteLine($"{(r.Passed ? "PASS" : "FAIL")}  {r.Check.PadRight(width)}  {r.Detail}");
            int failed = rows.Count(r => !r.Passed);
            Console.WriteLine(failed == 0 ? $"all {rows.Count} checks passed" : $"{failed} of {rows.Count} checks FAILED");
            return failed == 0 ? 0 : 1;
        }));
        return command;
    }
}

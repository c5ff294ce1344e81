using System.CommandLine;
using LayeredPrefill.Kernels;
using LayeredPrefill.Kernels.Verification;

namespace LayeredPrefill.Cli.Commands;

/// <summary>`selftest --backend X`: kernel-vs-float64 checks and schedule invariance on one backend; exit 1 on failure.</summary>
internal static class SelfTestCommand
{
    internal static Command Create()
    {
        var backend = new Option<string>("--backend") { Description = $"Kernel backend ({string.Join(", ", BackendRegistry.Names)})", DefaultValueFactory = _ => "simd" };
        var seed = new Option<int>("--seed") { Description = "Seed of inputs, weights and prompts", DefaultValueFactory = _ => 1 };
        var command = new Command("selftest", "Check each kernel against float64 and that every schedule gives identical tokens and KV") { backend, seed };
        command.SetAction(parse =>
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
        });
        return command;
    }
}

using System.CommandLine;
using LayeredPrefill.Kernels;

namespace LayeredPrefill.Cli.Options;

/// <summary>Options more than one verb takes, each spelled, described and defaulted once.</summary>
internal static class SharedOptions
{
    /// <summary>The seed every verb starts from unless told otherwise.</summary>
    public const int DefaultSeed = 0;

    /// <summary>--seed: what it seeds differs by verb, its default does not.</summary>
    public static Option<int> Seed(string seeds) => new("--seed") { Description = $"Seed of {seeds}.", DefaultValueFactory = _ => DefaultSeed };

    /// <summary>--seeds: how many seeds from --seed on each sweep point runs.</summary>
    public static Option<int> Seeds() => new("--seeds")
    {
        Description = "Seeds per point (seed, seed + 1, …): the report averages them and draws their spread.",
        DefaultValueFactory = _ => 1,
    };

    /// <summary>--output: the file a verb writes its result to (atomically, checked before the work starts).</summary>
    public static Option<string?> Output(string what) => new("--output") { Description = $"Write {what} here (atomically)." };

    /// <summary>--policies: one or several policy names.</summary>
    public static Option<string> Policies(string defaults, bool many) => new("--policies")
    {
        Description = (many ? "Comma-separated policies: " : "The policy: ") + "chunked[-B], layered[-adaptive|-gG][-bT] or prefill-first.",
        DefaultValueFactory = _ => defaults,
    };

    /// <summary>--backend: a kernel backend by name.</summary>
    public static Option<string> Backend(string what) => new("--backend")
    {
        Description = $"Kernel backend {what}: {string.Join(", ", BackendRegistry.Names)}.",
        DefaultValueFactory = _ => "simd",
    };
}

using LayeredPrefill.Randomness;
using LayeredPrefill.Scheduling;
using LayeredPrefill.Workloads;

namespace LayeredPrefill.Kernels.Verification;

/// <summary>One line of the self-test table.</summary>
public sealed record SelfTestRow(string Check, bool Passed, string Detail);

/// <summary>Kernel-vs-float64 checks, schedule invariance and agreement with simd, for one host-weight backend (simd, ILGPU).</summary>
public static class SelfTest
{
    /// <summary>Runs everything on <paramref name="backend"/>; the CPU accelerator gets the micro shape and fewer schedules.</summary>
    public static IReadOnlyList<SelfTestRow> Run(string backend, int seed)
    {
        if (backend == BackendRegistry.Cuda) throw new ArgumentException("the CUDA backend has its own self-test (BackendSelfTest runs it)", nameof(backend));
        BackendRegistry.RequireUsable(backend);
        var rows = new List<SelfTestRow>();
        using (IKernelProbe probe = backend == "simd" ? new SimdProbe() : new IlgpuProbe(backend))
            foreach (var r in KernelChecks.Run(probe, new SeededRandom(seed)))
                rows.Add(new SelfTestRow($"kernel {r.Kernel}", r.Passed, $"rel. error {r.Error:E2} (bound {r.Bound:E0})"));

        bool slow = backend == "ilgpu-cpu";
        var model = slow ? VerificationModels.Micro : VerificationModels.TinyMoe;
        var random = new SeededRandom(seed);
        IReadOnlyList<Request> requests = slow
            ? [new Request(0, 0, random.Next(5, 9), 3), new Request(1, 0, random.Next(3, 6), 2)]
            : ScheduleInvariance.SmallRequests(random);
        var schedules = slow
            ? [("prefill-first", HandPlans.PrefillFirst(requests, model.Layers)), ("chunked-3", HandPlans.Chunked(requests, model.Layers, 3)), ("layered-g2", HandPlans.Layered(requests, model.Layers, 2))]
            : ScheduleInvariance.StandardSchedules(requests, model.Layers);
        var options = new EngineOptions(backend, seed, KvBlocks: 32, MaxPositions: 256);
        using var engine = new MoeEngine(model, options);
        foreach (var r in ScheduleInvariance.Check(engine, requests, schedules))
            rows.Add(new SelfTestRow($"invariance {model.Name} {r.Schedule}", r.TokensEqual && r.KvEqual,
                $"tokens {(r.TokensEqual ? "identical" : "DIFFER")}, KV {(r.KvEqual ? "bit-identical" : $"max diff {r.MaxKvDifference:E2}")}"));

        if (backend != "simd")
        {
            var plans = schedules[0].Item2;
            var mine = ScheduleInvariance.Run(backend, plans, engine, requests);
            var simd = ScheduleInvariance.Run("simd", plans, model, options with { Backend = "simd" }, requests);
            var cmp = ScheduleInvariance.Compare(simd, mine);
            rows.Add(new SelfTestRow($"agreement with simd ({model.Name})", cmp.TokensEqual && cmp.MaxKvDifference < 1e-3,
                $"tokens {(cmp.TokensEqual ? "identical" : "DIFFER")}, KV max diff {cmp.MaxKvDifference:E2} (bound 1E-03: different fp32 summation order)"));
        }
        return rows;
    }
}

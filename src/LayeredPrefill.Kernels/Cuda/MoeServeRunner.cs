using System.Diagnostics;
using ILGPU;
using ILGPU.Runtime;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>Measured result of one schedule (per-iteration times over all repeats).</summary>
public sealed record ServeRunResult(
    string Policy, int Layers, int PromptTokens, int DecodeTokens, int Iterations, int Repeats,
    IReadOnlyList<double> IterationMillis, double TtftMillis, double DecodeItlP50Millis, double DecodeItlP99Millis,
    double ExpertBytes, IReadOnlyList<double> IterationExpertBytes, IReadOnlyList<double> IterationActivationBytes,
    double Joules, double JoulesPerToken, double MeanWatts);

/// <summary>
/// Runs a prompt through many MoE layers on the GPU under a schedule, alone or with decode rows that
/// join every iteration through every layer, and measures iteration times, expert bytes (distinct
/// experts chosen × expert bytes, read back in an untimed pass) and NVML energy.
/// </summary>
public sealed class MoeServeRunner : IDisposable
{
    private readonly CudaMoeKernels _k;
    private readonly CudaMoeLayer _layer;
    private readonly IReadOnlyList<MoeLayerWeights> _weights;
    private readonly MemoryBuffer1D<uint, Stride1D.Dense> _pool;   // prompt rows, then decode rows
    private readonly MoeWorkspace _batch, _decode;
    private readonly int _prompt, _maxDecode;

    /// <summary>Binds the layers' weights; the pool holds random activations for the prompt and the decodes.</summary>
    public MoeServeRunner(CudaMoeKernels k, CudaMoeLayer layer, IReadOnlyList<MoeLayerWeights> weights, int promptTokens, int maxDecode, Random rng)
    {
        (_k, _layer, _weights, _prompt, _maxDecode) = (k, layer, weights, promptTokens, maxDecode);
        int h = layer.Shape.Hidden;
        _pool = k.Accelerator.Allocate1D(MoeCheck.RandomInput(rng, promptTokens + maxDecode, h));
        _batch = new MoeWorkspace(k, layer.Shape, promptTokens + maxDecode);
        _decode = new MoeWorkspace(k, layer.Shape, Math.Max(1, maxDecode));
        _batch.Counts.MemSetToZero();
        _decode.Counts.MemSetToZero();
    }

    /// <summary>Runs <paramref name="schedule"/> <paramref name="repeats"/> times with <paramref name="decodes"/> decode rows per iteration.</summary>
    public ServeRunResult Run(string policy, IReadOnlyList<ServeIteration> schedule, int decodes, int repeats, NvmlEnergy? nvml)
    {
        var acc = _k.Accelerator;
        var shape = _layer.Shape;
        // Untimed pass: count distinct experts per layer call (routing is deterministic for fixed inputs).
        var iterBytes = schedule.Select(it => RunIteration(it, decodes, countExperts: true)).ToArray();
        RunIteration(schedule[0], decodes, false); // warm-up
        acc.Synchronize();
        var times = new List<double>();
        ulong e0 = nvml?.Millijoules() ?? 0;
        var total = Stopwatch.StartNew();
        for (int r = 0; r < repeats; r++)
            foreach (var it in schedule)
            {
                var sw = Stopwatch.StartNew();
                RunIteration(it, decodes, false);
                acc.Synchronize();
                times.Add(sw.Elapsed.TotalMilliseconds);
            }
        double seconds = total.Elapsed.TotalSeconds;
        double joules = nvml is null ? double.NaN : NvmlEnergy.JoulesBetween(e0, nvml.Millijoules());
        double tokensPerRepeat = _prompt + (double)decodes * schedule.Count;
        var perRepeatTtft = Enumerable.Range(0, repeats).Select(r => times.Skip(r * schedule.Count).Take(schedule.Count).Sum()).OrderBy(v => v).ToArray();
        var sorted = times.OrderBy(v => v).ToArray();
        return new ServeRunResult(policy, _weights.Count, _prompt, decodes, schedule.Count, repeats, times,
            perRepeatTtft[repeats / 2], Percentile(sorted, 0.5), Percentile(sorted, 0.99),
            iterBytes.Sum(), iterBytes, schedule.Select(it => MoeServeSchedule.ActivationReadBytes(it, decodes, _weights.Count, shape)).ToArray(),
            joules, joules / (tokensPerRepeat * repeats), joules / seconds);
    }

    /// <summary>Queues one iteration; with <paramref name="countExperts"/> it syncs per layer and returns the expert bytes read.</summary>
    public double RunIteration(ServeIteration it, int decodes, bool countExperts)
    {
        var shape = _layer.Shape;
        int h2 = shape.Hidden / 2;
        double bytes = 0;
        // The prefill batch: prompt rows [first, first+rows) followed by the decode rows.
        if (it.PrefillRows > 0)
        {
            _pool.View.SubView((long)it.PrefillFirstRow * h2, (long)it.PrefillRows * h2).CopyTo(_batch.X.View.SubView(0, (long)it.PrefillRows * h2));
            if (decodes > 0)
                _pool.View.SubView((long)_prompt * h2, (long)decodes * h2).CopyTo(_batch.X.View.SubView((long)it.PrefillRows * h2, (long)decodes * h2));
        }
        if (decodes > 0)
            _pool.View.SubView((long)_prompt * h2, (long)decodes * h2).CopyTo(_decode.X.View.SubView(0, (long)decodes * h2));
        foreach (var call in MoeServeSchedule.LayerCalls(it, decodes, _weights.Count))
        {
            var ws = call.Prefill ? _batch : _decode;
            _layer.Forward(_weights[call.Layer], ws, call.Rows);
            if (countExperts)
            {
                _k.Accelerator.Synchronize();
                bytes += ws.Counts.GetAsArray1D().Count(c => c > 0) * (double)shape.ExpertBytes;
            }
        }
        return bytes;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _pool.Dispose();
        _batch.Dispose();
        _decode.Dispose();
    }

    private static double Percentile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}

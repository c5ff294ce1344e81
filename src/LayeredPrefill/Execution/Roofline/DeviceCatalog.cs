namespace LayeredPrefill.Execution.Roofline;

/// <summary>Built-in <see cref="DeviceProfile"/> presets, and the lookup that also accepts a calibrated JSON profile.</summary>
/// <remarks>
/// Where a number comes from is said next to it. "Measured here" = our H100 80GB HBM3 SXM machine,
/// driver 580.159.04, 2026-11-27, scripts/probes/power_probe.py (NVML total energy over 6 s loops):
/// at rest 72.5–73.0 W; spinning (torch.cuda._sleep: clocks up, almost no work) 122.5–122.9 W;
/// 1 GiB device copy 2.98 TB/s at 375.8 W; bf16 8192³ GEMM 677 TF/s at 695–704 W (at the 700 W cap).
/// </remarks>
public static class DeviceCatalog
{
    /// <summary>Preset names, sorted.</summary>
    public static IReadOnlyList<string> Names { get; } = ["a100-80g", "h100-paper-engine", "h100-sxm", "h200"];

    /// <summary>The preset called <paramref name="name"/> (case-insensitive); anything else is a user error naming <paramref name="where"/>.</summary>
    public static DeviceProfile Get(string name, string where = "--device") => name.Trim().ToLowerInvariant() switch
    {
        "h100-sxm" => H100Sxm(),
        "h200" => H200(),
        "a100-80g" => A100_80G(),
        "h100-paper-engine" => H100PaperEngine(),
        _ => throw new UserInputException($"{where}: unknown device '{name}' (valid: {string.Join(", ", Names)}, or a path to a .json profile)"),
    };

    /// <summary>A preset name, or a path ending in .json to a profile saved by <see cref="DeviceProfileJson"/>.</summary>
    public static DeviceProfile Resolve(string nameOrPath, string where = "--device")
    {
        if (!nameOrPath.Trim().EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            return Get(nameOrPath, where);
        if (Directory.Exists(nameOrPath))
            throw new UserInputException($"{where}: '{nameOrPath}' is a directory, not a device profile file");
        if (!File.Exists(nameOrPath))
            throw new UserInputException($"{where}: device profile file '{nameOrPath}' does not exist");
        return DeviceProfileJson.Load(nameOrPath);
    }

    // Energy constants shared by the Hopper presets (measured here on H100, see the class remarks).
    // The energy model is P = IdleWatts + bytes/s · pJ/byte + FLOP/s · pJ/FLOP, so IdleWatts is the
    // clocks-up floor (122.5 W spinning), not the 72.5 W a parked card draws: between kernels of a
    // serving loop the clocks stay up. Copy: (375.8 − 122.5) W / 2.98 TB/s = 85 pJ per byte moved.
    // That is the whole chip's cost per HBM byte (DRAM + L2 + SM load/store path), well above the
    // 3.9 pJ/bit = 31.2 pJ/byte of the HBM array alone (REFERENCE §5), which would price a 3 TB/s
    // decode at 216 W instead of the 376 W measured. GEMM: (695 − 122.5) W / 677 TF/s = 0.85 pJ/FLOP
    // (a second run gave 0.86), above REFERENCE §5's bound 700 W / 989 TF/s = 0.71 because at the
    // power cap the card delivers 677, not 989, TF/s.
    private const double HopperIdleWatts = 122.5;
    private const double HopperDramPicojoulesPerByte = 85.0;
    private const double HopperPicojoulesPerFlop = 0.85;

    // NVLink4: 18 links × 50 GB/s = 900 GB/s bidirectional per GPU, i.e. 450 GB/s each way (NVIDIA
    // H100 datasheet). One all-reduce costs ~8 µs before bandwidth (NCCL/vLLM custom all-reduce
    // small-message latency on one NVLink node; the brief's figure).
    private const double NvLink4BytesPerSecond = 450e9;
    private const double AllReduceLatencySeconds = 8e-6;

    /// <summary>H100 SXM 80GB: 3.35 TB/s HBM3, 989 TF/s dense bf16 (NVIDIA datasheet).</summary>
    public static DeviceProfile H100Sxm() => new(
        Name: "h100-sxm",
        MemoryBytes: 81559.0 * 1024 * 1024, // nvidia-smi total on our H100 80GB HBM3
        PeakMemoryBytesPerSecond: 3.35e12,
        PeakMatrixFlopsPerSecond: 989e12,
        Efficiency: HopperEfficiency(expertMemory: 0.85, expertCompute: 0.40, expertLaunchSeconds: 15e-6),
        InterconnectBytesPerSecond: NvLink4BytesPerSecond,
        InterconnectLatencySeconds: AllReduceLatencySeconds,
        IdleWatts: HopperIdleWatts,
        DramPicojoulesPerByte: HopperDramPicojoulesPerByte,
        PicojoulesPerFlop: HopperPicojoulesPerFlop,
        Source: "preset: NVIDIA H100 SXM datasheet peaks; efficiencies from REFERENCE.md §3-4 (measured here); energy measured here 2026-11-27");

    /// <summary>
    /// The authors' serving engine (scale-snu/layered-prefill, a nano-vllm fork) on H100 SXM at TP 2: the h100-sxm
    /// rates plus the behaviour measured in that engine, each term fitted to one published micro-number and
    /// none to the SLO curves it is then used to predict (results/paper/NOTES.md has every fit and its residual).
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>Routed experts (<see cref="PaperEngineExpertCurve"/>): the engine finds no tuned Triton config for E=128, N=384
    /// on H100 and runs the default tiles (REFERENCE.md §7). Below 8 tokens per expert the defaults equal the tuned kernel,
    /// so h100-sxm's fit to the tuned peers holds; above, each point is one row of the paper's TP-2 chunk-size table
    /// (one 8192-token prompt in chunks of 512…8192 = 32…512 tokens per expert).</item>
    /// <item>Attention: one 8192-token prefill pass took 35.76 ms of FlashAttention-3 over 48 layers (§7) → compute
    /// fraction 0.373 of 989 TF/s; the same prompt in 16 chunks of 512, which read the paged cache, took 68.98 ms →
    /// 0.203 for prefill that reads paged context (<see cref="DeviceProfile.PagedPrefillAttention"/>).</item>
    /// <item>Per token and layer, 113 ns: the one-pass "other" time (69.0 ms: split-KV combine, expert sorting and
    /// activation, large all-reduces, norms) less what the roofline prices for it (24.5 ms), over 8192 × 48.</item>
    /// <item>Host time of a step, measured here (2-core VM, Python 3.11, three runs averaged) by
    /// scripts/probes/engine_step_probe.py, a stand-in of the engine's own per-step host work (scheduler and block
    /// manager, the batch pickled to rank 1 and unpickled there, prepare's per-sequence arrays, per-block slot mapping and
    /// block tables, postprocess's np.append, the output thread's second pickling, which holds the GIL while rank 0
    /// prepares): 9.5 µs per scheduled sequence, 130 ns per prompt token scheduled (the slot mapping is rebuilt every
    /// iteration a slice runs, so a layered batch pays it every stage) and 3.7 ns per context token of each decoding
    /// sequence (its block table copied and pickled, its token array copied by np.append).</item>
    /// <item>Per graphed iteration, 0.649 ms: the 16-chunk "other" (104.65 ms) less the roofline's and the per-token
    /// term's, over the 15 gaps between its 16 iterations (0.725 ms; the nsys span holds no gap for the one-pass prompt),
    /// less the measured host time of a step with one sequence and 512 prompt tokens (76 µs).</item>
    /// <item>Layer dispatch, 130 µs: the fastest decode steps the paper reports, p5 ITL 7.16 ms (vLLM) and 7.01 ms
    /// (layered engine) at about four running requests, are host-bound; 130 µs per layer reproduces them.</item>
    /// </list>
    /// </remarks>
    public static DeviceProfile H100PaperEngine()
    {
        var h100 = H100Sxm();
        var efficiency = h100.Efficiency.ToDictionary(kv => kv.Key, kv => kv.Value);
        efficiency[OpClass.Attention] = efficiency[OpClass.Attention] with { ComputeFraction = 0.373 };
        return h100 with
        {
            Name = "h100-paper-engine",
            Efficiency = efficiency,
            ExpertCurve = PaperEngineExpertCurve,
            PagedPrefillAttention = efficiency[OpClass.Attention] with { ComputeFraction = 0.203 },
            // The nsys profile does not tell eager from graphed iterations apart (its one eager pass has no gap): both take the graphed gap.
            Overhead = new EngineOverhead(GraphedIterationSeconds: 0.649e-3, EagerIterationSeconds: 0.649e-3, GraphMaxTokens: 1024,
                TokenLayerSeconds: 113e-9, PrefillTokenHostSeconds: 130e-9, SequenceHostSeconds: 9.5e-6, LayerDispatchSeconds: 130e-6,
                ContextTokenHostSeconds: 3.7e-9),
            Source = "h100-sxm plus the authors' engine as measured in the paper (REFERENCE.md §1, §7): default-tile MoE curve from the chunk-size table, " +
                "FlashAttention-3 contiguous/paged prefill fractions and per-token and per-iteration overheads from the nsys breakdown, layer dispatch from p5 ITL, " +
                "host costs per sequence, prompt token and context token measured here on a stand-in of the engine's step (scripts/probes/engine_step_probe.py)",
        };
    }

    /// <summary>
    /// Routed-expert efficiency of the engine's default Triton tiles by tokens per loaded expert. The first point is
    /// h100-sxm's ExpertGemm fit (REFERENCE §4, tuned kernel = default up to 128 tokens, §7); the others make the
    /// per-layer MoE time of the paper's TP-2 chunk-size table at 512, 1024, 2048, 4096 and 8192 tokens
    /// (406, 482, 585, 881, 1577 µs) with this executor's bytes and FLOPs: memory-bound at 32 tokens per expert
    /// (0.515 of peak bandwidth), compute-bound above, the compute fraction rising as the 64-row tiles fill.
    /// </summary>
    public static ExpertEfficiencyCurve PaperEngineExpertCurve { get; } = new(
    [
        new ExpertEfficiencyPoint(8, ComputeFraction: 0.40, MemoryFraction: 0.85),
        new ExpertEfficiencyPoint(32, ComputeFraction: 0.0500, MemoryFraction: 0.5153),
        new ExpertEfficiencyPoint(64, ComputeFraction: 0.0838, MemoryFraction: 0.5153),
        new ExpertEfficiencyPoint(128, ComputeFraction: 0.1372, MemoryFraction: 0.5153),
        new ExpertEfficiencyPoint(256, ComputeFraction: 0.1805, MemoryFraction: 0.5153),
        new ExpertEfficiencyPoint(512, ComputeFraction: 0.2002, MemoryFraction: 0.5153),
    ]);

    /// <summary>H200 141GB: 4.8 TB/s HBM3e, 989 TF/s dense bf16 (NVIDIA datasheet); same SMs as H100.</summary>
    public static DeviceProfile H200() => new(
        Name: "h200",
        MemoryBytes: 143771.0 * 1024 * 1024, // nvidia-smi total of an H200 141GB
        PeakMemoryBytesPerSecond: 4.8e12,
        PeakMatrixFlopsPerSecond: 989e12,
        Efficiency: HopperEfficiency(expertMemory: 0.90, expertCompute: 0.40, expertLaunchSeconds: 21e-6),
        InterconnectBytesPerSecond: NvLink4BytesPerSecond,
        InterconnectLatencySeconds: AllReduceLatencySeconds,
        // Not measured on H200 (same die and 700 W cap as H100): the H100 figures are used.
        IdleWatts: HopperIdleWatts,
        DramPicojoulesPerByte: HopperDramPicojoulesPerByte,
        PicojoulesPerFlop: HopperPicojoulesPerFlop,
        Source: "preset: NVIDIA H200 datasheet peaks; efficiencies from REFERENCE.md §3-4 (measured here); energy constants taken from H100");

    /// <summary>A100 SXM 80GB: 2.039 TB/s HBM2e, 312 TF/s dense bf16 (NVIDIA datasheet). No measurement here: estimates.</summary>
    public static DeviceProfile A100_80G() => new(
        Name: "a100-80g",
        MemoryBytes: 81920.0 * 1024 * 1024, // nvidia-smi total of an A100 80GB
        PeakMemoryBytesPerSecond: 2.039e12,
        PeakMatrixFlopsPerSecond: 312e12,
        // No A100 peers were timed here; the Hopper fractions are reused as the best available guess.
        Efficiency: HopperEfficiency(expertMemory: 0.85, expertCompute: 0.40, expertLaunchSeconds: 15e-6),
        InterconnectBytesPerSecond: 300e9,   // NVLink3: 12 × 50 GB/s = 600 GB/s bidirectional (datasheet)
        InterconnectLatencySeconds: AllReduceLatencySeconds,
        // Estimates, not measurements: a parked A100 SXM draws ~55 W; scaled by the H100's measured
        // clocks-up/parked ratio (122.5/72.5) that gives ~93 W. Per byte: the H100's 85 pJ. Per FLOP:
        // (400 W TDP − 93 W) / (0.78 × 312 TF/s) = 1.26 pJ.
        IdleWatts: 93,
        DramPicojoulesPerByte: HopperDramPicojoulesPerByte,
        PicojoulesPerFlop: 1.26,
        Source: "preset: NVIDIA A100 SXM 80GB datasheet peaks; efficiencies and energy estimated from the H100 measurements");

    /// <summary>Per-op-class fractions for Hopper; only the grouped expert GEMM differs by card (fitted to its peer timings).</summary>
    /// <remarks>
    /// ExpertGemm: fitted (least squares on log time) to REFERENCE §4's Triton fused-MoE times of one
    /// Qwen3-30B-A3B layer, with the op's bytes = distinct experts × 9.44 MB + 176 KB of routed
    /// activations per token (see <see cref="RooflineExecutor"/>), FLOPs = 75.5 MFLOP per token.
    /// H100 (memory 0.85, compute 0.40, 15 µs), T = 1, 8, 32, 128, 512, 2048, 8192:
    ///   model 42, 187, 387, 447, 471, 566, 1578 µs vs Triton 42, 182, 368, 424, 477, 637, 1581:
    ///   residuals −1, +3, +5, +5, −1, −11, −0 %; 16 chunks of 512 vs one 8192 pass: 4.77× (Triton 4.83×).
    /// H200 (memory 0.90, compute 0.40 kept from H100 since the SMs are the same, 21 µs):
    ///   model 39, 134, 266, 306, 321, 412, 1584 µs vs Triton 38, 126, 271, 302, 343, 533, 1547:
    ///   residuals +1, +6, −2, +1, −6, −23, +2 %; 16×512 vs 8192: 3.25× (Triton 3.55×). The free fit
    ///   (compute 0.355) trades the 8192 point (+14 %) for 2048 (−15 %); keeping the 8192 anchor keeps
    ///   the chunked-vs-layered ratio honest. RooflineCalibrationTests holds these bounds.
    /// The roofline max() cannot bend through the knee near T = 2048, where the real kernel is
    /// neither purely memory- nor compute-bound: that point is under-predicted on both cards.
    /// The other classes are not fitted: DenseGemm and LmHead use REFERENCE §3's measured bf16 GEMM
    /// (764–798 of 989 TF/s → 0.78) and copy (3.0 of 3.35 TB/s → 0.90; H200 4.3 of 4.8 → 0.90).
    /// Attention: FlashAttention-3 (arXiv 2407.08608) reaches 500–740 TF/s forward at head dim 128,
    /// less when causal and short → 0.50; decode is a KV stream below copy speed → 0.80. Router:
    /// a skinny GEMM plus top-k softmax and token sorting, all small kernels → 0.30/0.50 and 10 µs.
    /// Elementwise (norms, residual): 0.80 of peak bandwidth, no FLOPs worth counting. Launch costs
    /// (2–4 µs per kernel under CUDA graphs) are estimates, not measurements.
    /// </remarks>
    private static Dictionary<OpClass, OpEfficiency> HopperEfficiency(double expertMemory, double expertCompute, double expertLaunchSeconds) => new()
    {
        [OpClass.DenseGemm] = new(ComputeFraction: 0.78, MemoryFraction: 0.90, LaunchOverheadSeconds: 3e-6),
        [OpClass.ExpertGemm] = new(ComputeFraction: expertCompute, MemoryFraction: expertMemory, LaunchOverheadSeconds: expertLaunchSeconds),
        [OpClass.Attention] = new(ComputeFraction: 0.50, MemoryFraction: 0.80, LaunchOverheadSeconds: 4e-6),
        [OpClass.Router] = new(ComputeFraction: 0.30, MemoryFraction: 0.50, LaunchOverheadSeconds: 10e-6),
        [OpClass.LmHead] = new(ComputeFraction: 0.78, MemoryFraction: 0.90, LaunchOverheadSeconds: 3e-6),
        [OpClass.Elementwise] = new(ComputeFraction: 1.0, MemoryFraction: 0.80, LaunchOverheadSeconds: 2e-6),
    };
}

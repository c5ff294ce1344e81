namespace LayeredPrefill.Scheduling;

/// <summary>Limits every policy shares.</summary>
/// <param name="MaxSequences">Running requests at most (vLLM max_num_seqs).</param>
/// <param name="KvBlocks">Blocks in the paged KV cache.</param>
/// <param name="KvBlockTokens">Tokens per KV block.</param>
/// <param name="MaxModelLengthTokens">A request whose prompt + output exceed this is refused when it arrives (the engine's max model length).</param>
public sealed record SchedulerSettings(int MaxSequences, long KvBlocks, int KvBlockTokens = 16, int MaxModelLengthTokens = int.MaxValue)
{
    /// <summary>Running requests at most unless told otherwise: vLLM's max_num_seqs default.</summary>
    public const int DefaultMaxSequences = 256;

    /// <summary>Refuses impossible limits, naming the option.</summary>
    public SchedulerSettings Validate()
    {
        if (MaxSequences <= 0) throw new UserInputException($"--max-seqs must be > 0 (got {MaxSequences})");
        if (KvBlockTokens <= 0) throw new UserInputException($"--kv-block-tokens must be > 0 (got {KvBlockTokens})");
        if (MaxModelLengthTokens <= 0) throw new UserInputException($"--max-model-len must be > 0 tokens (got {MaxModelLengthTokens})");
        return this;
    }
}

namespace LayeredPrefill.Workloads;

/// <summary>
/// One long prompt that arrives while a batch of requests is decoding: the scenario behind "does layered prefill still win
/// once decodes join?". The decoders (short prompts, long enough outputs to outlast the prompt's prefill) arrive at 0; the
/// prompt arrives at <see cref="JoinSeconds"/>, after they have all started decoding. Its TTFT and the decoders' inter-token
/// gaps while it prefills are the two numbers to read (its id is the last).
/// </summary>
public static class JoinWorkload
{
    /// <summary>Prompt tokens of each decoding request.</summary>
    public const int DecoderPromptTokens = 128;
    /// <summary>Output tokens of each decoding request: at ~40 ms a step they decode for ~4 s, past any prompt's prefill here.</summary>
    public const int DecoderOutputTokens = 96;
    /// <summary>When the prompt arrives (simulated seconds): after the decoders' prefills (a few hundred ms at most).</summary>
    public const double JoinSeconds = 1.0;

    /// <summary>Most decoding requests (the paper's sequence cap).</summary>
    public const int MaxDecoders = 256;

    /// <summary>The workload: <paramref name="decoders"/> decoding requests (ids 0..) and the prompt (the last id).</summary>
    public static Workload Build(int decoders, int promptTokens, int promptOutputTokens, int maxModelLengthTokens)
    {
        if (decoders is < 0 or > MaxDecoders) throw new UserInputException($"--join-decodes must be in [0, {MaxDecoders}] (got {decoders})");
        if (promptTokens <= 0) throw new UserInputException($"--prompt-tokens must be > 0 (got {promptTokens})");
        if (promptOutputTokens <= 0) throw new UserInputException($"--output-tokens must be > 0 (got {promptOutputTokens})");
        if ((long)promptTokens + promptOutputTokens > maxModelLengthTokens)
            throw new UserInputException($"--prompt-tokens {promptTokens} + --output-tokens {promptOutputTokens} exceed the max model length {maxModelLengthTokens}");
        var requests = Enumerable.Range(0, decoders).Select(i => new Request(i, 0, DecoderPromptTokens, DecoderOutputTokens)).ToList();
        requests.Add(new Request(decoders, JoinSeconds, promptTokens, promptOutputTokens));
        return new Workload($"join-{promptTokens}x{promptOutputTokens}-with-{decoders}-decodes", requests);
    }
}

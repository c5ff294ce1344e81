namespace LayeredPrefill.IO;

/// <summary>What the bounded reader lets one kind of input file be: its size, its longest line, and its name in messages.</summary>
/// <param name="What">How messages name the file's role ("the trace", "the model config").</param>
/// <param name="MaxBytes">Bytes read at most; a regular file above this is refused before reading, a stream when it passes it.</param>
/// <param name="MaxLineChars">Characters one line may have (line-by-line reading only).</param>
/// <param name="DirectoryHint">Said after "it is a directory" (e.g. "; pass the config.json inside it").</param>
public sealed record ReadLimits(string What, long MaxBytes, int MaxLineChars = int.MaxValue, string DirectoryHint = "")
{
    /// <summary>A request trace: up to 4 GiB, rows of at most 64 Ki characters (a row is a few numbers).</summary>
    public static ReadLimits Trace { get; } = new("the trace", 4L << 30, 64 << 10, ", not a CSV file");

    /// <summary>A Hugging Face config.json: real ones are a few KB; 16 MiB leaves room and refuses a weights file passed by mistake.</summary>
    public static ReadLimits ModelConfig { get; } = new("the model config", 16 << 20, DirectoryHint: "; pass the config.json inside it");

    /// <summary>A device profile (a few KB, calibrated ones with shaped entries a few tens).</summary>
    public static ReadLimits DeviceProfile { get; } = new("device profile", 16 << 20);

    /// <summary>A sweep definition.</summary>
    public static ReadLimits SweepDefinition { get; } = new("the sweep definition", 16 << 20);

    /// <summary>A sweep point's result file (summary metrics only).</summary>
    public static ReadLimits SweepPoint { get; } = new("the sweep point", 64 << 20);

    /// <summary>A result file of the GPU verbs, a calibration's details, or a BenchmarkDotNet report: large but bounded.</summary>
    public static ReadLimits ResultFile(string what) => new(what, 256 << 20);

    /// <summary>An image embedded in a report.</summary>
    public static ReadLimits Image { get; } = new("the plot image", 64 << 20);
}

using System.CommandLine;

namespace LayeredPrefill.ResultsComparer;

/// <summary><c>update</c>: accepts a run as the new baseline (after checking it is a complete, readable report).</summary>
internal static class UpdateCommand
{
    public static Command Create()
    {
        var baseline = new Option<string>("--baseline") { Description = "Baseline folder to replace.", DefaultValueFactory = _ => "results/baseline" };
        var current = new Option<string>("--current") { Description = "Folder of the run's Full JSON reports to accept.", Required = true };
        var command = new Command("update", "Replace the baseline's Full JSON reports with this run's.") { baseline, current };
        command.SetAction(p => ComparerHost.Guard(() =>
        {
            string source = p.GetValue(current)!;
            string target = p.GetValue(baseline)!;
            var results = FullJsonReader.ReadAll(source, "--current");
            var tooFew = results.FirstOrDefault(r => r.NanosecondsPerOperation.Count < new GateOptions().MinimumSamples);
            if (tooFew is not null)
                throw new UserInputException($"--current: '{tooFew.FullName}' has {tooFew.NanosecondsPerOperation.Count} measured iterations; a baseline needs at least {new GateOptions().MinimumSamples} (run the CI job)");
            LayeredPrefill.IO.AtomicFile.EnsureWritable(Path.Combine(target, "baseline"), "--baseline");
            // New reports land atomically first and stale ones go after, so an interruption never leaves the gate without a baseline.
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (string file in results.Select(r => r.Source).Distinct())
            {
                string destination = Path.GetFullPath(Path.Combine(target, Path.GetFileName(file)));
                LayeredPrefill.IO.AtomicFile.WriteAllBytes(destination, LayeredPrefill.IO.BoundedFile.ReadAllBytes(file, LayeredPrefill.IO.ReadLimits.ResultFile("the benchmark report")));
                written.Add(destination);
            }
            foreach (string old in Directory.GetFiles(target, FullJsonReader.Pattern))
                if (!written.Contains(Path.GetFullPath(old))) File.Delete(old);
            Console.WriteLine($"baseline updated: {results.Count} benchmarks from {results.Select(r => r.Source).Distinct().Count()} reports into {target}");
            return 0;
        }));
        return command;
    }
}

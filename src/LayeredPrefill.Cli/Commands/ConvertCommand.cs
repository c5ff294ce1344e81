using System.CommandLine;
using LayeredPrefill.Cli.Options;
using LayeredPrefill.Experiments;
using LayeredPrefill.IO;
using LayeredPrefill.Metrics;

namespace LayeredPrefill.Cli.Commands;

/// <summary>
/// `convert`: re-renders a result file into the current layout — a format-1 `compare --output` file (one "config" block and a
/// "results" array) or a current one — deriving every metric again from its per-request timelines.
/// </summary>
internal static class ConvertCommand
{
    internal static Command Create()
    {
        var input = new Option<string>("--input") { Description = "The result file to read (format 1 or 2, with per-request timelines: --timelines).", Required = true };
        var output = SharedOptions.Output("the converted result (several runs: one file per run beside this index, as `compare` writes)");
        output.Required = true;
        var device = new Option<string?>("--executor-device") { Description = "What real kernels ran on (e.g. \"NVIDIA H200\"): format 1 recorded only the roofline device." };
        var date = new Option<string?>("--date") { Description = "vLLM's date of the run, yyyyMMdd-HHmmss (format 1 recorded none)." };
        var detailed = new Option<bool>("--save-detailed") { Description = "Add vLLM's per-request arrays (input_lens, output_lens, ttfts, itls, start_times, errors)." };
        var goodput = new Option<string[]>("--goodput") { Description = "vLLM's goodput objectives in ms (ttft:10000 tpot:125) to compute request_goodput with.", AllowMultipleArgumentsPerToken = true };
        var cmd = new Command("convert", "Re-render a result file (format 1 or 2, with timelines) in the current layout: vLLM's keys at the top level, one flat file per run.");
        foreach (var o in new Option[] { input, output, device, date, detailed, goodput }) cmd.Options.Add(o);
        cmd.SetAction(parse => CliHost.Guard(() =>
        {
            string target = AtomicFile.EnsureWritable(parse.GetValue(output)!, "--output");
            string? when = parse.GetValue(date);
            if (when is not null && !DateTime.TryParseExact(when, RunHeader.DateFormat, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _))
                throw new UserInputException($"--date: '{when}' is not yyyyMMdd-HHmmss (e.g. 20261202-143000)");
            var runs = ResultFileReader.ReadFile(parse.GetValue(input)!,
                new ResultFileReader.Overrides(parse.GetValue(device), when, GoodputObjectives.Parse(parse.GetValue(goodput))));
            string Write(StoredRun r) => ResultJson.Write(r.Header, r.Run, r.Metrics,
                new ResultJson.Options(Timelines: true, r.HasIterationLog, r.HasTokenIds, parse.GetValue(detailed)));
            if (runs.Count == 1)
            {
                AtomicFile.WriteAllText(target, Write(runs[0]));
                Console.Error.WriteLine($"wrote {target}");
                return 0;
            }
            var entries = new List<IndexEntry>();
            foreach (var r in runs)
            {
                string path = ResultFiles.RunPath(target, r.Header.Label);
                AtomicFile.WriteAllText(path, Write(r));
                entries.Add(new IndexEntry(r.Header.Label, r.Header.Policy, Path.GetFileName(path)));
                Console.Error.WriteLine($"wrote {path}");
            }
            AtomicFile.WriteAllText(target, ResultFiles.Index("convert", entries));
            Console.Error.WriteLine($"wrote {target} (the index of the {runs.Count} files above)");
            return 0;
        }));
        return cmd;
    }
}

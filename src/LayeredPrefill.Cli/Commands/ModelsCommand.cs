using System.CommandLine;
using LayeredPrefill.Cli.Output;
using LayeredPrefill.Models;

namespace LayeredPrefill.Cli.Commands;

/// <summary>`models`: the presets and their derived byte counts.</summary>
internal static class ModelsCommand
{
    public static Command Create() => TableCommand.Create("models", "List model presets with their shapes and derived byte counts.", () =>
    {
        var table = new TextTable(["preset", "model_id", "layers", "hidden", "heads q/kv×dim", "experts/top-k", "expert FFN",
            "expert MB", "experts GB/layer", "weights GB", "KV KiB/token", "adaptive G"]);
        foreach (var m in ModelCatalog.All)
        {
            table.Add(m.Name, ModelCatalog.HubId(m.Name), $"{m.Layers}", $"{m.HiddenSize}", $"{m.QueryHeads}/{m.KvHeads}×{m.HeadDim}", $"{m.Experts}/{m.TopK}",
                $"{m.ExpertFfnSize}", $"{m.ExpertBytes / 1e6:F2}", $"{m.ExpertBytesPerLayer / 1e9:F3}", $"{m.TotalWeightBytes / 1e9:F1}",
                $"{m.KvBytesPerToken / 1024.0:F0}", string.Join(",", ModelCatalog.AdaptiveGroupLadder(m)));
        }
        return table;
    });
}

using System.Text.RegularExpressions;

namespace LayeredPrefill.Tests;

/// <summary>One C# source file of the repository: its path, its namespace, and the namespaces it names.</summary>
/// <param name="Path">Relative to the repository root, with '/' separators.</param>
/// <param name="Namespace">The file-scoped namespace; null for a file of top-level statements.</param>
/// <param name="Uses">Project namespaces named by a <c>using</c> directive or a qualified name (<c>Kernels.Cuda.X</c>).</param>
internal sealed record SourceFile(string Path, string? Namespace, IReadOnlySet<string> Uses);

/// <summary>
/// The folder graph of every assembly under src/ and bench/: folders are namespaces, and folder A depends on folder B
/// when a file of A names B in a <c>using</c> directive or a qualified name. A child's unqualified use of its enclosing
/// namespace is no edge: C# puts the enclosing namespace in scope, and it holds the contracts the children share.
/// </summary>
internal static partial class SourceFolders
{
    /// <summary>Every .cs file under src/ and bench/ (build outputs left out).</summary>
    public static IReadOnlyList<SourceFile> Read(string root)
    {
        var texts = new List<(string Path, string? Namespace, string Code)>();
        foreach (string top in new[] { "src", "bench" })
            foreach (string file in Directory.EnumerateFiles(System.IO.Path.Combine(root, top), "*.cs", SearchOption.AllDirectories))
            {
                string path = System.IO.Path.GetRelativePath(root, file).Replace('\\', '/');
                if (path.Split('/').Any(part => part is "bin" or "obj")) continue;
                string code = StripCommentsAndStrings(File.ReadAllText(file));
                var ns = NamespaceLine().Match(code);
                texts.Add((path, ns.Success ? ns.Groups[1].Value : null, code));
            }
        var known = texts.Where(t => t.Namespace is not null).Select(t => t.Namespace!).ToHashSet(StringComparer.Ordinal);
        return texts.Select(t => new SourceFile(t.Path, t.Namespace, Uses(t.Namespace, t.Code, known))).ToArray();
    }

    /// <summary>Edges between distinct folders, each with the files that make it.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>> Graph(IEnumerable<SourceFile> files) =>
        files.Where(f => f.Namespace is not null)
            .SelectMany(f => f.Uses.Where(u => u != f.Namespace).Select(u => (From: f.Namespace!, To: u, f.Path)))
            .GroupBy(e => e.From)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, IReadOnlyList<string>>)g.GroupBy(e => e.To)
                .ToDictionary(h => h.Key, h => (IReadOnlyList<string>)h.Select(e => e.Path).Distinct().Order().ToArray()));

    /// <summary>The strongly connected components of more than one folder (Tarjan): each is a dependency cycle.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Cycles(IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>> graph)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var cycles = new List<IReadOnlyList<string>>();
        IEnumerable<string> Next(string v) => graph.TryGetValue(v, out var e) ? e.Keys.Order(StringComparer.Ordinal) : [];

        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (string w in Next(v))
            {
                if (!index.ContainsKey(w)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string x;
            do { x = stack.Pop(); onStack.Remove(x); component.Add(x); } while (x != v);
            if (component.Count > 1) cycles.Add(component.Order(StringComparer.Ordinal).ToArray());
        }

        foreach (string v in graph.Keys.Order(StringComparer.Ordinal))
            if (!index.ContainsKey(v)) Visit(v);
        return cycles;
    }

    private static HashSet<string> Uses(string? ns, string code, IReadOnlySet<string> known)
    {
        var uses = UsingLine().Matches(code).Select(m => m.Groups[1].Value).Where(known.Contains).ToHashSet(StringComparer.Ordinal);
        string body = UsingOrNamespaceLine().Replace(code, "");
        // A qualified name may be written from any enclosing namespace: Kernels.Cuda.X inside LayeredPrefill.Cli.
        var enclosing = new List<string> { "" };
        if (ns is not null)
            for (int dot = ns.IndexOf('.'); ; dot = ns.IndexOf('.', dot + 1))
            {
                enclosing.Add(dot < 0 ? ns : ns[..dot]);
                if (dot < 0) break;
            }
        foreach (string other in known)
            foreach (string prefix in enclosing)
            {
                string head = prefix.Length == 0 ? "" : prefix + ".";
                if (other == prefix || !other.StartsWith(head, StringComparison.Ordinal)) continue;
                string tail = other[head.Length..];
                if (Regex.IsMatch(body, @"(?<![\w.])" + Regex.Escape(tail) + @"\.[A-Z]")) { uses.Add(other); break; }
            }
        return uses;
    }

    /// <summary>The code of a C# file without its comments, and its string literals emptied.</summary>
    public static string StripCommentsAndStrings(string text)
    {
        text = BlockComment().Replace(text, "");
        text = LineComment().Replace(text, "");
        return StringLiteral().Replace(text, "\"\"");
    }

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(LayeredPrefill[\w.]*)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingLine();

    [GeneratedRegex(@"^\s*(?:global\s+)?(?:using|namespace)\b[^;]*;", RegexOptions.Multiline)]
    private static partial Regex UsingOrNamespaceLine();

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex BlockComment();

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex LineComment();

    [GeneratedRegex(@"@?\$*""(?:[^""\\\n]|\\.)*""")]
    private static partial Regex StringLiteral();
}

using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using LayeredPrefill.IO;

namespace LayeredPrefill.Reporting.Reports;

/// <summary>Renders a <see cref="ReportDocument"/> as Markdown (images linked relative to the report) and as self-contained HTML (PNGs as data URIs).</summary>
public static partial class ReportRenderer
{
    /// <summary>Writes report.md and report.html into <paramref name="folder"/> atomically; returns their paths.</summary>
    public static (string Markdown, string Html) Write(ReportDocument doc, string folder, string title)
    {
        string md = Path.Combine(folder, "report.md"), html = Path.Combine(folder, "report.html");
        AtomicFile.WriteAllText(md, Markdown(doc, folder));
        AtomicFile.WriteAllText(html, Html(doc, title));
        return (md, html);
    }

    /// <summary>The Markdown text; image links are relative to <paramref name="folder"/>.</summary>
    public static string Markdown(ReportDocument doc, string folder)
    {
        var sb = new StringBuilder();
        foreach (var block in doc.Blocks)
        {
            switch (block)
            {
                case Heading h: sb.Append('#', h.Level).Append(' ').AppendLine(h.Text); break;
                case Paragraph p: sb.AppendLine(p.Text); break;
                case Bullets b: foreach (string item in b.Items) sb.Append("- ").AppendLine(item); break;
                case Table t:
                    sb.AppendLine("| " + string.Join(" | ", t.Header.Select(Cell)) + " |");
                    sb.AppendLine("|" + string.Concat(t.Header.Select(_ => "---|")));
                    foreach (var row in t.Rows) sb.AppendLine("| " + string.Join(" | ", row.Select(Cell)) + " |");
                    break;
                case Figure f:
                    string rel = Relative(folder, f.Image.PngPath);
                    sb.AppendLine($"![{f.Image.Caption}]({rel})").AppendLine();
                    sb.AppendLine($"*{f.Image.Caption}* ([SVG]({Relative(folder, f.Image.SvgPath)}))");
                    break;
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }

    /// <summary>The HTML text, with every PNG embedded as a base64 data URI (no other file is needed to view it).</summary>
    public static string Html(ReportDocument doc, string title)
    {
        var sb = new StringBuilder();
        sb.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        sb.AppendLine($"<title>{WebUtility.HtmlEncode(title)}</title>");
        sb.AppendLine("<style>body{font-family:'DejaVu Sans',sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}" +
            "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}" +
            "th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}img{max-width:100%;border:1px solid #eee}" +
            "figure{margin:1.5em 0}figcaption{font-style:italic;color:#555}code{background:#f5f5f5;padding:0 3px}</style></head><body>");
        foreach (var block in doc.Blocks)
        {
            switch (block)
            {
                case Heading h: sb.AppendLine($"<h{h.Level}>{Inline(h.Text)}</h{h.Level}>"); break;
                case Paragraph p: sb.AppendLine($"<p>{Inline(p.Text)}</p>"); break;
                case Bullets b: sb.AppendLine("<ul>" + string.Concat(b.Items.Select(i => $"<li>{Inline(i)}</li>")) + "</ul>"); break;
                case Table t:
                    sb.Append("<table><thead><tr>").Append(string.Concat(t.Header.Select(c => $"<th>{Inline(c)}</th>"))).Append("</tr></thead><tbody>");
                    foreach (var row in t.Rows) sb.Append("<tr>").Append(string.Concat(row.Select(c => $"<td>{Inline(c)}</td>"))).Append("</tr>");
                    sb.AppendLine("</tbody></table>");
                    break;
                case Figure f:
                    string data = Convert.ToBase64String(IO.BoundedFile.ReadAllBytes(f.Image.PngPath, IO.ReadLimits.Image));
                    sb.AppendLine($"<figure><img alt=\"{WebUtility.HtmlEncode(f.Image.Caption)}\" src=\"data:image/png;base64,{data}\">" +
                        $"<figcaption>{WebUtility.HtmlEncode(f.Image.Caption)}</figcaption></figure>");
                    break;
            }
        }
        sb.AppendLine("</body></html>");
        return sb.ToString();
    }

    /// <summary>Local files a Markdown text links to (images and links that are not URLs).</summary>
    public static IReadOnlyList<string> LinkedFiles(string markdown) =>
        LinkPattern().Matches(markdown).Select(m => m.Groups[1].Value).Where(l => !l.Contains("://", StringComparison.Ordinal)).ToArray();

    private static string Relative(string folder, string path) => Path.GetRelativePath(folder, path).Replace('\\', '/');

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    // Plain text with `code` and **bold** spans, HTML-escaped.
    private static string Inline(string text)
    {
        string html = WebUtility.HtmlEncode(text);
        html = CodePattern().Replace(html, "<code>$1</code>");
        return BoldPattern().Replace(html, "<b>$1</b>");
    }

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex LinkPattern();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"\*\*([^*]+)\*\*")]
    private static partial Regex BoldPattern();
}

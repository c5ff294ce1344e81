namespace LayeredPrefill.Reporting.Reports;

/// <summary>A block of a generated report.</summary>
public abstract record ReportBlock;

/// <summary>A heading of level 1–3.</summary>
public sealed record Heading(int Level, string Text) : ReportBlock;

/// <summary>A paragraph of plain text (rendered as is; `code` spans are kept in Markdown and shown as code in HTML).</summary>
public sealed record Paragraph(string Text) : ReportBlock;

/// <summary>A bulleted list.</summary>
public sealed record Bullets(IReadOnlyList<string> Items) : ReportBlock;

/// <summary>A table with a header row.</summary>
public sealed record Table(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows) : ReportBlock;

/// <summary>A plot, linked (Markdown) or embedded (HTML).</summary>
public sealed record Figure(PlotImage Image) : ReportBlock;

/// <summary>A report as a list of blocks, rendered to Markdown and to a self-contained HTML file.</summary>
public sealed class ReportDocument
{
    private readonly List<ReportBlock> _blocks = [];

    /// <summary>The blocks in order.</summary>
    public IReadOnlyList<ReportBlock> Blocks => _blocks;

    /// <summary>Appends a block.</summary>
    public ReportDocument Add(ReportBlock block) { _blocks.Add(block); return this; }

    /// <summary>Appends a heading.</summary>
    public ReportDocument H(int level, string text) => Add(new Heading(level, text));

    /// <summary>Appends a paragraph.</summary>
    public ReportDocument P(string text) => Add(new Paragraph(text));

    /// <summary>Every image the report shows.</summary>
    public IEnumerable<PlotImage> Images => _blocks.OfType<Figure>().Select(f => f.Image);
}

using System.Text;

namespace MyDocker.Engine.Client.Format;

/// <summary>
/// Columns as docker's CLI prints them (Go's tabwriter with minimum width 10 and padding 3): each
/// column as wide as its widest cell plus three spaces, at least 10; the last column is not padded.
/// </summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [headers];

    /// <summary>The narrowest a column may be, padding included (docker ps and images: 10, docker top: 20).</summary>
    public int MinWidth { get; init; } = 10;

    public void Add(params string[] cells) => _rows.Add(cells);

    public override string ToString()
    {
        int columns = _rows[0].Length;
        var widths = new int[columns];
        foreach (var row in _rows)
            for (int c = 0; c < columns && c < row.Length; c++) widths[c] = Math.Max(widths[c], row[c].Length);
        var text = new StringBuilder();
        foreach (var cells in _rows)
        {
            var row = cells.Length >= columns ? cells : [.. cells, .. Enumerable.Repeat("", columns - cells.Length)];
            var line = new StringBuilder();
            for (int c = 0; c < columns; c++)
                line.Append(c == columns - 1 ? row[c] : row[c].PadRight(Math.Max(widths[c] + 3, MinWidth)));
            text.Append(line.ToString().TrimEnd()).Append('\n');
        }
        return text.ToString();
    }
}

using System.Text;
using Mitzvah.Core.Consent;

namespace Mitzvah.Cli;

/// <summary>Reads an import file: one number per line, or CSV whose header has a <c>phone</c> column.</summary>
/// <remarks>
/// Blank lines and lines starting with <c>#</c> are ignored; a number listed twice is imported once. CSV fields may be
/// quoted (RFC 4180), so a name such as "Cohen, Dina" does not shift the columns.
/// </remarks>
internal sealed class SubscriberImportFile
{
    private SubscriberImportFile(IReadOnlyList<string> phones, IReadOnlyList<ImportError> errors)
    {
        Phones = phones;
        Errors = errors;
    }

    public IReadOnlyList<string> Phones { get; }

    public IReadOnlyList<ImportError> Errors { get; }

    public static SubscriberImportFile Read(string path, IPhoneNumberNormalizer phones)
    {
        var numbers = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var errors = new List<ImportError>();
        int? phoneColumn = null;
        var firstRow = true;
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            var text = line.TrimStart('\uFEFF').Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            var cells = SplitCsv(text);
            if (firstRow)
            {
                firstRow = false;
                var header = cells.FindIndex(cell => cell.Equals("phone", StringComparison.OrdinalIgnoreCase));
                if (header >= 0)
                {
                    phoneColumn = header;
                    continue;
                }
            }

            if (phoneColumn is null && cells.Count > 1)
            {
                errors.Add(new ImportError(lineNumber, "has several columns but the file has no header with a 'phone' column"));
                continue;
            }

            var raw = cells.ElementAtOrDefault(phoneColumn ?? 0) ?? string.Empty;
            if (phones.Normalize(raw) is not { } phone)
            {
                errors.Add(new ImportError(lineNumber, $"'{raw}' is not a valid phone number"));
            }
            else if (seen.Add(phone))
            {
                numbers.Add(phone);
            }
        }

        return new SubscriberImportFile(numbers, errors);
    }

    private static List<string> SplitCsv(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"')
                {
                    cell.Append(c);
                }
                else if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString().Trim());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString().Trim());
        return cells;
    }

    public sealed record ImportError(int Line, string Message);
}

using Mitzvah.Core.Consent;

namespace Mitzvah.Cli;

/// <summary>Reads an import file: one number per line, or CSV whose header has a <c>phone</c> column.</summary>
/// <remarks>Blank lines and lines starting with <c>#</c> are ignored; a number listed twice is imported once.</remarks>
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
        int? column = null;
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            var text = line.Trim().TrimStart('\uFEFF');
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            var cells = text.Split(',').Select(cell => cell.Trim().Trim('"').Trim()).ToArray();
            if (lineNumber == 1 || (column is null && numbers.Count == 0 && errors.Count == 0))
            {
                var header = Array.FindIndex(cells, cell => cell.Equals("phone", StringComparison.OrdinalIgnoreCase));
                if (header >= 0)
                {
                    column = header;
                    continue;
                }
            }

            var index = column ?? 0;
            if (column is null && cells.Length > 1)
            {
                errors.Add(new ImportError(lineNumber, "has several columns but the file has no header with a 'phone' column"));
                continue;
            }

            var raw = index < cells.Length ? cells[index] : string.Empty;
            if (phones.Normalize(raw) is { } phone)
            {
                if (seen.Add(phone))
                {
                    numbers.Add(phone);
                }
            }
            else
            {
                errors.Add(new ImportError(lineNumber, $"'{raw}' is not a valid phone number"));
            }
        }

        return new SubscriberImportFile(numbers, errors);
    }

    public sealed record ImportError(int Line, string Message);
}

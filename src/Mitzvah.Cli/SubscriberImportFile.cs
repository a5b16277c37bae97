using nietras.SeparatedValues;
using Mitzvah.Core.Consent;

namespace Mitzvah.Cli;

/// <summary>Reads an import file: one number per line, or CSV whose header has a <c>phone</c> column.</summary>
/// <remarks>
/// Fields follow RFC 4180: a quoted field may hold commas, doubled quotes and line breaks, so a name such as
/// "Cohen, Dina" does not shift the columns. Blank rows and rows starting with <c>#</c> are ignored; a number listed
/// twice is imported once. Errors name the line a row starts on.
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
        // The header is ours to find: a plain list of numbers has none, and rows may have fewer columns than it.
        using var reader = Sep.New(',').Reader(options => options with
        {
            HasHeader = false,
            DisableColCountCheck = true,
            Unescape = true,
            Trim = SepTrim.All,
        }).FromFile(path);
        foreach (var row in reader)
        {
            var text = row.Span.Trim();
            if (text.IsEmpty || text[0] == '#')
            {
                continue;
            }

            // Sep 0.17 numbers the first row from line 2; every later row it numbers right.
            var line = row.RowIndex == 0 ? 1 : row.LineNumberFrom;
            if (firstRow)
            {
                firstRow = false;
                phoneColumn = PhoneHeader(row);
                if (phoneColumn is not null)
                {
                    continue;
                }
            }

            if (phoneColumn is null && row.ColCount > 1)
            {
                errors.Add(new ImportError(line, "has several columns but the file has no header with a 'phone' column"));
                continue;
            }

            var column = phoneColumn ?? 0;
            var raw = column < row.ColCount ? row[column].ToString() : string.Empty;
            if (phones.Normalize(raw) is not { } phone)
            {
                // A field may span lines; the report stays one line per row.
                errors.Add(new ImportError(line, $"'{raw.ReplaceLineEndings(" ")}' is not a valid phone number"));
            }
            else if (seen.Add(phone))
            {
                numbers.Add(phone);
            }
        }

        return new SubscriberImportFile(numbers, errors);
    }

    private static int? PhoneHeader(SepReader.Row row)
    {
        for (var column = 0; column < row.ColCount; column++)
        {
            if (row[column].Span.Equals("phone", StringComparison.OrdinalIgnoreCase))
            {
                return column;
            }
        }

        return null;
    }

    public sealed record ImportError(int Line, string Message);
}

using System.Collections.Frozen;
using System.Text;

namespace Mitzvah.Core.Catalogue;

/// <summary>Titles, verses and links for every item the study cycle names.</summary>
/// <remarks>Immutable and thread-safe. Built once from the embedded data files.</remarks>
public sealed class MitzvahCatalogue
{
    /// <summary>Number of positive commandments.</summary>
    public const int PositiveCount = 248;

    /// <summary>Number of negative commandments.</summary>
    public const int NegativeCount = 365;

    /// <summary>The longest <see cref="StudyItem.ShortTitle"/>.</summary>
    public const int MaxShortTitleLength = 30;

    private const string SefariaBase = "https://www.sefaria.org/";

    private readonly FrozenDictionary<string, StudyItem> _items;

    private MitzvahCatalogue(IEnumerable<StudyItem> items)
    {
        var list = items.ToList();
        _items = list.ToFrozenDictionary(item => item.Code, StringComparer.Ordinal);
        Items = list;
    }

    /// <summary>The catalogue shipped with the product.</summary>
    public static MitzvahCatalogue Default { get; } = Load();

    /// <summary>Every item: P1-P248, N1-N365, then the sections, in that order.</summary>
    public IReadOnlyList<StudyItem> Items { get; }

    /// <summary>Returns the item for a cycle code.</summary>
    /// <exception cref="KeyNotFoundException">The code is not in the catalogue.</exception>
    public StudyItem Get(string code) =>
        TryGet(code, out var item) ? item : throw new KeyNotFoundException($"'{code}' is not a known study item.");

    /// <summary>Looks up a cycle code.</summary>
    public bool TryGet(string code, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out StudyItem item) =>
        _items.TryGetValue(code, out item);

    private static MitzvahCatalogue Load()
    {
        var positive = ReadCommandments("positive-commandments.tsv", 'P', StudyItemKind.PositiveCommandment,
            "Positive Commandment", "Positive_Commandments", PositiveCount);
        var negative = ReadCommandments("negative-commandments.tsv", 'N', StudyItemKind.NegativeCommandment,
            "Negative Commandment", "Negative_Commandments", NegativeCount);
        return new MitzvahCatalogue([.. positive, .. negative, .. Sections()]);
    }

    private static List<StudyItem> ReadCommandments(
        string file, char prefix, StudyItemKind kind, string name, string sefariaSection, int expected)
    {
        var resource = "Mitzvah.Core.Data." + file;
        using var stream = typeof(MitzvahCatalogue).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidDataException($"Embedded resource {resource} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);

        var items = new List<StudyItem>(expected);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var columns = line.Split('\t');
            var number = items.Count + 1;
            var code = $"{prefix}{number}";
            if (columns.Length != 4 || columns[0] != code)
            {
                throw new InvalidDataException($"{file} line {lineNumber}: expected '{code}<TAB>title<TAB>verse<TAB>short title'.");
            }

            items.Add(new StudyItem(
                code,
                kind,
                $"{name} {number}",
                code,
                columns[1],
                columns[3],
                columns[2],
                new Uri($"{SefariaBase}Sefer_HaMitzvot%2C_{sefariaSection}.{number}")));
        }

        return items.Count == expected
            ? items
            : throw new InvalidDataException($"{file} has {items.Count} commandments; expected {expected}.");
    }

    private static IEnumerable<StudyItem> Sections()
    {
        yield return Section(
            "Maimonides’ Introduction to Sefer Hamitzvot", "Introduction",
            "Maimonides' introduction to the Book of Commandments", "The introduction",
            "Sefer_HaMitzvot%2C_Introductions%2C_The_Rambam%27s_Introduction");
        yield return Section(
            "Principle 1-3", "Principles 1-3",
            "What is not counted: rabbinic laws, derived laws, commands for one time only", "What is not counted",
            "Sefer_HaMitzvot%2C_Shorashim.1-3");
        yield return Section(
            "Principle 4-9", "Principles 4-9",
            "How to count: general charges, reasons, details, and repeated commands", "How to count, part one",
            "Sefer_HaMitzvot%2C_Shorashim.4-9");
        yield return Section(
            "Principle 10-14", "Principles 10-14",
            "How to count: preparations, parts, stages, duration and punishments", "How to count, part two",
            "Sefer_HaMitzvot%2C_Shorashim.10-14");
        yield return Section(
            "Nusach HaTefila", "Nusach HaTefillah",
            "The wording of the daily prayers as Maimonides recorded it", "The wording of the prayers",
            "Mishneh_Torah%2C_Prayer_and_the_Priestly_Blessing");
        yield return Section(
            "Order of Prayer", "Order of Prayer",
            "The order of the prayers for the whole year", "The order of the prayers",
            "Mishneh_Torah%2C_Prayer_and_the_Priestly_Blessing");
        yield return Section(
            "Text of the Haggadah", "Text of the Haggadah",
            "Maimonides' text of the Passover Haggadah", "The Haggadah",
            "Mishneh_Torah%2C_Leavened_and_Unleavened_Bread");
        yield return Section(
            "Laws of Megillah and Chanukah Chapters 1-2", "Megillah and Chanukah 1-2",
            "Reading the Megillah and the laws of Purim", "The Megillah and Purim",
            "Mishneh_Torah%2C_Scroll_of_Esther_and_Hanukkah.1-2");
        yield return Section(
            "Laws of Megillah and Chanukah Chapters 3-4", "Megillah and Chanukah 3-4",
            "Lighting the Chanukah lights and the laws of Chanukah", "The Chanukah lights",
            "Mishneh_Torah%2C_Scroll_of_Esther_and_Hanukkah.3-4");
    }

    private static StudyItem Section(string code, string name, string title, string shortTitle, string sefariaPath) =>
        new(code, StudyItemKind.Section, name, name, title, shortTitle, null, new Uri(SefariaBase + sefariaPath));
}

using System.Text.RegularExpressions;
using Mitzvah.Core.Catalogue;
using Mitzvah.Core.Study;

namespace Mitzvah.Core.Tests.Catalogue;

public sealed partial class MitzvahCatalogueTests
{
    private static readonly Dictionary<string, int> ChaptersPerBook = new(StringComparer.Ordinal)
    {
        ["Genesis"] = 50, ["Exodus"] = 40, ["Leviticus"] = 27, ["Numbers"] = 36, ["Deuteronomy"] = 34,
    };

    private readonly MitzvahCatalogue _catalogue = MitzvahCatalogue.Default;

    [Fact]
    public void All_613_commandments_are_present_in_order()
    {
        var commandments = _catalogue.Items.Where(item => item.Kind != StudyItemKind.Section).Select(item => item.Code);

        var expected = Enumerable.Range(1, 248).Select(n => $"P{n}").Concat(Enumerable.Range(1, 365).Select(n => $"N{n}"));
        Assert.Equal(expected, commandments);
    }

    [Fact]
    public void Every_item_the_cycle_names_is_in_the_catalogue()
    {
        var unknown = Enumerable.Range(1, StudyCycle.Length)
            .SelectMany(StudyCycle.Default.GetEntry)
            .Where(code => !_catalogue.TryGet(code, out _))
            .Distinct();

        Assert.Empty(unknown);
    }

    [Fact]
    public void Titles_are_present_concise_unique_and_plain()
    {
        foreach (var item in _catalogue.Items)
        {
            Assert.False(string.IsNullOrWhiteSpace(item.Title), item.Code);
            Assert.True(item.Title.Length <= 90, $"{item.Code} title is {item.Title.Length} characters");
            Assert.Equal(item.Title.Trim(), item.Title);
            Assert.False(item.Title.EndsWith('.'), item.Code);
            Assert.DoesNotContain('\t', item.Title);
        }

        var duplicates = _catalogue.Items.GroupBy(item => item.Title, StringComparer.OrdinalIgnoreCase)
            .Where(group => group.Count() > 1)
            .Select(group => group.Key);
        Assert.Empty(duplicates);
    }

    [Fact]
    public void No_title_ends_in_a_bracket_that_the_verse_would_double()
    {
        var bracketed = _catalogue.Items.Where(item => item.Title.EndsWith(')')).Select(item => $"{item.Code}: {item.Title}");

        Assert.Empty(bracketed);
    }

    [Fact]
    public void Short_titles_are_present_short_unique_and_plain()
    {
        foreach (var item in _catalogue.Items)
        {
            Assert.False(string.IsNullOrWhiteSpace(item.ShortTitle), item.Code);
            Assert.True(item.ShortTitle.Length <= MitzvahCatalogue.MaxShortTitleLength, $"{item.Code} short title is {item.ShortTitle.Length} characters");
            Assert.True(item.ShortTitle.Length <= item.Title.Length, $"{item.Code}: the short title is longer than the title");
            Assert.Equal(item.ShortTitle.Trim(), item.ShortTitle);
            Assert.False(item.ShortTitle.EndsWith('.') || item.ShortTitle.EndsWith(')'), item.Code);
            Assert.DoesNotContain('\t', item.ShortTitle);
        }

        var duplicates = _catalogue.Items.GroupBy(item => item.ShortTitle, StringComparer.OrdinalIgnoreCase)
            .Where(group => group.Count() > 1)
            .Select(group => group.Key);
        Assert.Empty(duplicates);
    }

    [Fact]
    public void Positive_short_titles_command_and_negative_short_titles_forbid()
    {
        var misworded = _catalogue.Items
            .Where(item => item.Kind != StudyItemKind.Section)
            .Where(item => ShortProhibitionPattern().IsMatch(item.ShortTitle) != (item.Kind == StudyItemKind.NegativeCommandment))
            .Select(item => $"{item.Code}: {item.ShortTitle}");

        Assert.Empty(misworded);
    }

    [Theory]
    [InlineData("N54", "Edomite")]
    [InlineData("N55", "Egyptian")]
    public void The_edomite_and_egyptian_titles_keep_the_third_generation_limit(string code, string people)
    {
        var item = _catalogue.Get(code);

        Assert.Contains(people, item.Title, StringComparison.Ordinal);
        Assert.Contains("third generation", item.Title, StringComparison.Ordinal);
        Assert.Contains("3rd-gen", item.ShortTitle, StringComparison.Ordinal);
    }

    [Fact]
    public void Positive_titles_command_and_negative_titles_forbid()
    {
        var misworded = _catalogue.Items
            .Where(item => item.Kind != StudyItemKind.Section)
            .Where(item => ProhibitionPattern().IsMatch(item.Title) != (item.Kind == StudyItemKind.NegativeCommandment))
            .Select(item => $"{item.Code}: {item.Title}");

        Assert.Empty(misworded);
    }

    [Fact]
    public void Every_commandment_cites_a_well_formed_torah_verse()
    {
        foreach (var item in _catalogue.Items.Where(item => item.Kind != StudyItemKind.Section))
        {
            Assert.NotNull(item.Verse);
            var match = VersePattern().Match(item.Verse);
            Assert.True(match.Success, $"{item.Code}: '{item.Verse}'");
            var chapter = int.Parse(match.Groups["chapter"].Value);
            var verse = int.Parse(match.Groups["verse"].Value);
            Assert.InRange(chapter, 1, ChaptersPerBook[match.Groups["book"].Value]);
            Assert.InRange(verse, 1, 89); // Numbers 7:89 is the Torah's highest verse number.
        }
    }

    [Theory]
    [InlineData("P1", "Positive Commandment 1", "Exodus 20:2", "https://www.sefaria.org/Sefer_HaMitzvot%2C_Positive_Commandments.1")]
    [InlineData("P186", "Positive Commandment 186", "Deuteronomy 13:17", "https://www.sefaria.org/Sefer_HaMitzvot%2C_Positive_Commandments.186")]
    [InlineData("N1", "Negative Commandment 1", "Exodus 20:3", "https://www.sefaria.org/Sefer_HaMitzvot%2C_Negative_Commandments.1")]
    [InlineData("N135", "Negative Commandment 135", "Leviticus 22:10", "https://www.sefaria.org/Sefer_HaMitzvot%2C_Negative_Commandments.135")]
    [InlineData("N365", "Negative Commandment 365", "Deuteronomy 17:17", "https://www.sefaria.org/Sefer_HaMitzvot%2C_Negative_Commandments.365")]
    public void Commandments_carry_name_verse_and_sefaria_link(string code, string name, string verse, string link)
    {
        var item = _catalogue.Get(code);

        Assert.Equal(name, item.Name);
        Assert.Equal(code, item.ShortName);
        Assert.Equal(verse, item.Verse);
        Assert.Equal(link, item.Link.AbsoluteUri);
    }

    [Fact]
    public void Sections_have_titles_and_https_links()
    {
        var sections = _catalogue.Items.Where(item => item.Kind == StudyItemKind.Section).ToList();

        Assert.Equal(9, sections.Count);
        Assert.All(sections, section =>
        {
            Assert.Null(section.Verse);
            Assert.Equal("https", section.Link.Scheme);
            Assert.Equal("www.sefaria.org", section.Link.Host);
        });
        Assert.Equal("Principles 1-3", _catalogue.Get("Principle 1-3").Name);
    }

    [Fact]
    public void Unknown_codes_are_reported_by_name()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => _catalogue.Get("P249"));

        Assert.Contains("P249", error.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^(?<book>Genesis|Exodus|Leviticus|Numbers|Deuteronomy) (?<chapter>\d{1,2}):(?<verse>\d{1,2})$")]
    private static partial Regex VersePattern();

    [GeneratedRegex(@"^Do not |\b(must|may) (not|never)\b")]
    private static partial Regex ProhibitionPattern();

    [GeneratedRegex(@"^(No|Do not) |^[A-Z][a-z]+( [A-Z][a-z]+)?: no ")]
    private static partial Regex ShortProhibitionPattern();
}

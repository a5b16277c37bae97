using System.Globalization;
using System.Text;

namespace Mitzvah.Core.Messages;

/// <summary>Lays a day's content out for the WhatsApp channel: the freeform body and the template variables.</summary>
/// <remarks>
/// <para>
/// WhatsApp is a channel in Core's vocabulary, so its renderer lives here with its limits: previews, schedules and
/// the tests that prove every day fits need it without any messaging provider. A provider adapter only maps the
/// result onto its own API.
/// </para>
/// <para>
/// The body uses WhatsApp's <c>*bold*</c> and <c>_italic_</c> and takes the fullest <see cref="WhatsAppForm"/> that
/// fits <see cref="MaxBodyLength"/>; the readings variable shrinks the same way to fit
/// <see cref="MaxVariableLength"/>. Lines are dropped or shortened as a whole, never cut inside a word or a link,
/// and an item that an earlier day of the message already named is shown as continued. Pure and thread-safe.
/// </para>
/// </remarks>
public static class WhatsAppRenderer
{
    /// <summary>The longest body the WhatsApp channel accepts.</summary>
    public const int MaxBodyLength = 1600;

    /// <summary>The longest value a WhatsApp template variable may have.</summary>
    public const int MaxVariableLength = 1024;

    /// <summary>Text that closes every body.</summary>
    public const string Footer = "Reply STOP to unsubscribe.";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    // The readings variable has no form of its own in the result; it tries these in turn.
    private static readonly Layout[] ReadingsLayouts = [Layout.Of(WhatsAppForm.Compact), Layout.Of(WhatsAppForm.Brief), Layout.Of(WhatsAppForm.ShortTitles)];

    /// <summary>Renders <paramref name="content"/> as a WhatsApp message.</summary>
    /// <exception cref="InvalidOperationException">Even the shortest form does not fit (a catalogue error).</exception>
    public static WhatsAppMessage Render(DailyContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        foreach (var form in Enum.GetValues<WhatsAppForm>())
        {
            var body = Body(content, Layout.Of(form));
            if (body.Length <= MaxBodyLength)
            {
                return new WhatsAppMessage { Body = body, Form = form, Variables = Variables(content) };
            }
        }

        throw new InvalidOperationException($"The message for {content.Date:yyyy-MM-dd} does not fit even in its shortest form.");
    }

    private static string Body(DailyContent content, Layout layout)
    {
        var text = new StringBuilder(MaxBodyLength);
        text.Append("*Daily Mitzvah* · ").Append(content.DateLine).Append('\n');
        text.Append('_').Append(content.HebrewDate).Append("_\n");
        if (content.RestDaysCovered.Count > 0)
        {
            text.Append("_Includes the study for ").Append(JoinAnd(content.RestDaysCovered)).Append(": no message goes out on rest days._\n");
        }

        foreach (var day in content.Days)
        {
            text.Append('\n').Append('*').Append(DayLabel(day, layout, includeHebrew: true)).Append("*\n");
            foreach (var item in day.Items)
            {
                text.Append("• ").Append(ItemText(item, layout)).Append('\n');
                if (layout.ItemLinks && !item.Continued)
                {
                    text.Append(item.Link).Append('\n');
                }
            }

            if (layout.LinkPerDay)
            {
                text.Append("Read: ").Append(day.StudyLink).Append('\n');
            }

            if (day.EditionNote is { } note)
            {
                text.Append('_').Append(note).Append("_\n");
            }
        }

        if (!layout.ItemLinks && !layout.LinkPerDay)
        {
            text.Append("\nRead: ").Append(content.StudyLink).Append('\n');
        }

        return text.Append('\n').Append(Footer).ToString();
    }

    private static WhatsAppTemplateVariables Variables(DailyContent content)
    {
        foreach (var layout in ReadingsLayouts)
        {
            var readings = string.Join(" | ", content.Days.Select(day => DayReadings(day, layout)));
            if (readings.Length <= MaxVariableLength)
            {
                return new WhatsAppTemplateVariables
                {
                    DateLine = $"{content.DateLine} · {content.HebrewDate}",
                    Readings = readings,
                    Link = content.StudyLink.ToString(),
                };
            }
        }

        throw new InvalidOperationException($"The template readings for {content.Date:yyyy-MM-dd} do not fit.");
    }

    private static string DayReadings(ContentDay day, Layout layout)
    {
        // The shortest readings drop the dash after each name: three long days carry 39 items.
        var separator = layout.ShortTitles ? " " : " — ";
        var items = day.Items.Select(item => ItemText(item, layout, separator));
        var readings = $"{DayLabel(day, layout, includeHebrew: false)}: {string.Join("; ", items)}";
        return day.EditionNote is { } note ? $"{readings} ({note})" : readings;
    }

    private static string ItemText(ContentItem item, Layout layout, string separator = " — ")
    {
        var name = layout.FullNames ? item.Name : item.ShortName;
        if (item.Continued)
        {
            return $"{name} (continued)";
        }

        var line = $"{name}{separator}{(layout.ShortTitles ? item.ShortTitle : item.Title)}";
        return layout.Verses && item.Verse is not null ? $"{line} ({item.Verse})" : line;
    }

    private static string DayLabel(ContentDay day, Layout layout, bool includeHebrew)
    {
        var label = new StringBuilder(day.Weekday).Append(' ').Append(day.Date.ToString("d MMM", Invariant));
        if (includeHebrew)
        {
            label.Append(" · ").Append(day.HebrewDate);
        }

        if (day.Festival is { } festival)
        {
            label.Append(" · ").Append(festival);
        }

        if (layout.CycleDays)
        {
            label.Append(" · day ").Append(day.CycleDay).Append(" of ").Append(Study.StudyCycle.Length);
        }

        return label.ToString();
    }

    private static string JoinAnd(IReadOnlyList<string> parts) =>
        parts.Count <= 1 ? string.Concat(parts) : $"{string.Join(", ", parts.Take(parts.Count - 1))} and {parts[^1]}";

    private sealed record Layout(bool FullNames, bool Verses, bool ItemLinks, bool LinkPerDay, bool CycleDays, bool ShortTitles)
    {
        public static Layout Of(WhatsAppForm form) => form switch
        {
            WhatsAppForm.Full => new(FullNames: true, Verses: true, ItemLinks: true, LinkPerDay: false, CycleDays: true, ShortTitles: false),
            WhatsAppForm.Compact => new(FullNames: false, Verses: true, ItemLinks: false, LinkPerDay: true, CycleDays: true, ShortTitles: false),
            WhatsAppForm.Brief => new(FullNames: false, Verses: false, ItemLinks: false, LinkPerDay: true, CycleDays: true, ShortTitles: false),
            WhatsAppForm.Condensed => new(FullNames: false, Verses: false, ItemLinks: false, LinkPerDay: false, CycleDays: false, ShortTitles: false),
            WhatsAppForm.ShortTitles => new(FullNames: false, Verses: false, ItemLinks: false, LinkPerDay: false, CycleDays: false, ShortTitles: true),
            _ => throw new ArgumentOutOfRangeException(nameof(form), form, null),
        };
    }
}

using System.Globalization;
using Mitzvah.Core.Catalogue;
using Mitzvah.Core.Delivery;

namespace Mitzvah.Core.Messages;

/// <summary>Turns a delivery plan into the day's message: its content, and that content rendered for WhatsApp.</summary>
/// <remarks>
/// The content is channel-neutral (<see cref="DailyContent"/>); <see cref="Compose"/> adds the WhatsApp rendering
/// (<see cref="WhatsAppRenderer"/>), which is what today's messengers send. Pure and thread-safe.
/// </remarks>
public sealed class DailyMessageComposer
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private readonly MitzvahCatalogue _catalogue;

    /// <summary>Creates a composer over a catalogue.</summary>
    public DailyMessageComposer(MitzvahCatalogue catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        _catalogue = catalogue;
    }

    /// <summary>The per-day study page on chabad.org, the publisher of the schedule.</summary>
    public static Uri DailyStudyLink(DateOnly date) =>
        new($"https://www.chabad.org/dailystudy/seferHamitzvos.asp?tdate={date.Month}/{date.Day}/{date.Year}");

    /// <summary>Composes the message for a plan that sends, with its WhatsApp rendering.</summary>
    /// <exception cref="ArgumentException">The plan sends nothing.</exception>
    public DailyMessage Compose(DeliveryPlan plan)
    {
        var content = ComposeContent(plan);
        return new DailyMessage { Content = content, WhatsApp = WhatsAppRenderer.Render(content) };
    }

    /// <summary>Composes the channel-neutral content for a plan that sends.</summary>
    /// <remarks>
    /// An item that an earlier day of the same plan already carries is marked <see cref="ContentItem.Continued"/>.
    /// </remarks>
    /// <exception cref="ArgumentException">The plan sends nothing.</exception>
    public DailyContent ComposeContent(DeliveryPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (!plan.Send)
        {
            throw new ArgumentException($"No message goes out on {plan.Date:yyyy-MM-dd} ({plan.Day.RestReason}).", nameof(plan));
        }

        var named = new HashSet<string>(StringComparer.Ordinal);
        var days = plan.Covers.Select(day => Day(day, named)).ToList();
        return new DailyContent
        {
            Date = plan.Date,
            DateLine = plan.Date.ToString("dddd, d MMMM yyyy", Invariant),
            HebrewDate = plan.Day.HebrewDate.ToString(),
            Days = days,
            RestDaysCovered = [.. days.Skip(1).Select(day => $"{day.Festival ?? day.Weekday} {day.Date.ToString("d MMM", Invariant)}")],
            StudyLink = days[0].StudyLink,
        };
    }

    private ContentDay Day(CoveredDay day, HashSet<string> named)
    {
        var reason = day.Calendar.RestReason;
        return new ContentDay
        {
            Date = day.Date,
            Weekday = day.Date.DayOfWeek == DayOfWeek.Saturday ? "Shabbat" : day.Date.ToString("dddd", Invariant),
            HebrewDate = day.Calendar.HebrewDate.ToDayMonthString(),
            Festival = reason is not null && reason != "Shabbat" ? reason : null,
            CycleDay = day.Study.CycleDay,
            Items = [.. day.Study.Codes.Select(code => Item(_catalogue.Get(code), continued: !named.Add(code)))],
            EditionNote = day.Study.EditionNote,
            StudyLink = DailyStudyLink(day.Date),
        };
    }

    private static ContentItem Item(StudyItem item, bool continued) => new()
    {
        Name = item.Name,
        ShortName = item.ShortName,
        Title = item.Title,
        ShortTitle = item.ShortTitle,
        Verse = item.Verse,
        Link = item.Link,
        Continued = continued,
    };
}

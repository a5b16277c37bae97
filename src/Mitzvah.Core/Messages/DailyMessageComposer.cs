using System.Globalization;
using System.Text;
using Mitzvah.Core.Catalogue;
using Mitzvah.Core.Delivery;

namespace Mitzvah.Core.Messages;

/// <summary>Turns a delivery plan into the WhatsApp message and its template variables.</summary>
/// <remarks>
/// Picks the fullest <see cref="MessageForm"/> whose body fits <see cref="DailyMessage.MaxBodyLength"/>; lines are
/// dropped or shortened as a whole, never cut inside a word or a link. Template variables shrink the same way to fit
/// <see cref="TemplateVariables.MaxLength"/>. Pure and thread-safe.
/// </remarks>
public sealed class DailyMessageComposer
{
    /// <summary>Text that closes every message.</summary>
    public const string Footer = "Reply STOP to unsubscribe.";

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

    /// <summary>Composes the message for a plan that sends.</summary>
    /// <exception cref="ArgumentException">The plan sends nothing.</exception>
    public DailyMessage Compose(DeliveryPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (!plan.Send)
        {
            throw new ArgumentException($"No message goes out on {plan.Date:yyyy-MM-dd} ({plan.Day.RestReason}).", nameof(plan));
        }

        foreach (var form in Enum.GetValues<MessageForm>())
        {
            var body = Body(plan, form);
            if (body.Length <= DailyMessage.MaxBodyLength)
            {
                return new DailyMessage(plan.Date, body, form, Variables(plan));
            }
        }

        throw new InvalidOperationException($"The message for {plan.Date:yyyy-MM-dd} does not fit even in its shortest form.");
    }

    private string Body(DeliveryPlan plan, MessageForm form)
    {
        var text = new StringBuilder(1024);
        text.Append("*Daily Mitzvah* · ").Append(plan.Date.ToString("dddd, d MMMM yyyy", Invariant)).Append('\n');
        text.Append('_').Append(plan.Day.HebrewDate).Append("_\n");
        if (plan.Covers.Count > 1)
        {
            var restDays = plan.Covers.Skip(1).Select(day => RestDayName(day));
            text.Append("_Includes the study for ").Append(JoinAnd(restDays)).Append(": no message goes out on rest days._\n");
        }

        foreach (var day in plan.Covers)
        {
            text.Append('\n').Append('*').Append(DayLabel(day, includeHebrew: true)).Append("*\n");
            var items = day.Study.Codes.Select(_catalogue.Get).ToList();
            if (form == MessageForm.CodesOnly)
            {
                text.Append(string.Join(", ", items.Select(item => item.ShortName))).Append('\n');
            }
            else
            {
                foreach (var item in items)
                {
                    text.Append("• ").Append(ItemLine(item, form)).Append('\n');
                    if (form == MessageForm.Full)
                    {
                        text.Append(item.Link).Append('\n');
                    }
                }
            }

            if (form != MessageForm.Full)
            {
                text.Append("Read: ").Append(DailyStudyLink(day.Date)).Append('\n');
            }

            if (day.Study.EditionNote is { } note)
            {
                text.Append('_').Append(note).Append("_\n");
            }
        }

        text.Append('\n').Append(Footer);
        return text.ToString();
    }

    private TemplateVariables Variables(DeliveryPlan plan)
    {
        var dateLine = $"{plan.Date.ToString("dddd, d MMMM yyyy", Invariant)} · {plan.Day.HebrewDate}";
        var link = DailyStudyLink(plan.Date).ToString();
        foreach (var form in new[] { MessageForm.Compact, MessageForm.Brief, MessageForm.CodesOnly })
        {
            var readings = string.Join(" | ", plan.Covers.Select(day => DayReadings(day, form)));
            if (readings.Length <= TemplateVariables.MaxLength)
            {
                return new TemplateVariables(dateLine, readings, link);
            }
        }

        throw new InvalidOperationException($"The template readings for {plan.Date:yyyy-MM-dd} do not fit.");
    }

    private string DayReadings(CoveredDay day, MessageForm form)
    {
        var items = day.Study.Codes.Select(_catalogue.Get).Select(item => form switch
        {
            MessageForm.CodesOnly => item.ShortName,
            _ => ItemLine(item, form),
        });
        var readings = $"{DayLabel(day, includeHebrew: false)}: {string.Join(form == MessageForm.CodesOnly ? ", " : "; ", items)}";
        return day.Study.EditionNote is { } note ? $"{readings} ({note})" : readings;
    }

    private static string ItemLine(StudyItem item, MessageForm form)
    {
        var name = form == MessageForm.Full ? item.Name : item.ShortName;
        var line = $"{name} — {item.Title}";
        return item.Verse is not null && form is MessageForm.Full or MessageForm.Compact ? $"{line} ({item.Verse})" : line;
    }

    private static string DayLabel(CoveredDay day, bool includeHebrew)
    {
        var calendar = day.Calendar;
        var weekday = day.Date.DayOfWeek == DayOfWeek.Saturday ? "Shabbat" : day.Date.ToString("dddd", Invariant);
        var label = new StringBuilder(weekday).Append(' ').Append(day.Date.ToString("d MMM", Invariant));
        if (includeHebrew)
        {
            label.Append(" · ").Append(calendar.HebrewDate.ToDayMonthString());
        }

        if (calendar.RestReason is { } reason && reason != "Shabbat")
        {
            label.Append(" · ").Append(reason);
        }

        return label.Append(" · day ").Append(day.Study.CycleDay).Append(" of 339").ToString();
    }

    private static string RestDayName(CoveredDay day)
    {
        var reason = day.Calendar.RestReason ?? day.Date.ToString("dddd", Invariant);
        return $"{reason} {day.Date.ToString("d MMM", Invariant)}";
    }

    private static string JoinAnd(IEnumerable<string> parts)
    {
        var list = parts.ToList();
        return list.Count <= 1 ? string.Concat(list) : $"{string.Join(", ", list[..^1])} and {list[^1]}";
    }
}

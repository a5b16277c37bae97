using System.Globalization;
using System.Text;

namespace Mitzvah.Core.Messages;

/// <summary>Lays a day's content out for the email channel: a subject, an HTML part and a plain-text part.</summary>
/// <remarks>
/// <para>
/// Email has no length limit worth the name, so every day of the message shows every item in full: name, title,
/// verse and link (an item an earlier day already named is shown as continued, as on WhatsApp), the day's label
/// with its Hebrew date, Yom Tov and cycle day, its edition note and its study page, and the rest days the
/// message covers. The footer carries the recipient's <see cref="EmailLinks"/> and nothing else.
/// </para>
/// <para>
/// The HTML is built for mail clients: inline styles, system fonts, no images, fonts, scripts or other remote
/// resources, a fluid column for a 390 px phone, and a <c>prefers-color-scheme: dark</c> block for clients that
/// honour it. Every piece of content is HTML-encoded, and only http and https links become anchors. Pure and
/// thread-safe.
/// </para>
/// </remarks>
public static class EmailRenderer
{
    /// <summary>The name that opens every subject and heads every message.</summary>
    public const string Title = "Daily Mitzvah";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    // Light colours inline (what every client shows); the dark block overrides them where clients allow a <style>.
    private const string BodyStyle = "margin:0;padding:0;background-color:#f4f2ec;color:#1f2328;"
        + "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;"
        + "-webkit-text-size-adjust:100%;";
    private const string WrapperStyle = "background-color:#f4f2ec;padding:12px 8px;";
    private const string CardStyle = "max-width:600px;margin:0 auto;padding:16px;box-sizing:border-box;background-color:#ffffff;"
        + "color:#1f2328;border-radius:8px;overflow-wrap:anywhere;word-break:break-word;";
    private const string HeadingStyle = "margin:0;font-size:22px;line-height:1.3;color:#1f2328;";
    private const string DayHeadingStyle = "margin:20px 0 4px 0;font-size:17px;line-height:1.35;color:#1f2328;";
    private const string MutedStyle = "color:#57606a;";
    private const string NoteStyle = "margin:8px 0 0 0;font-style:italic;color:#57606a;";
    private const string ItemStyle = "padding:8px 0;border-top:1px solid #e3dfd5;";
    private const string LinkStyle = "color:#0b57a4;text-decoration:underline;";
    private const string FooterStyle = "margin:24px 0 0 0;padding-top:12px;border-top:1px solid #e3dfd5;font-size:14px;color:#57606a;";

    private const string DarkStyles = """
        @media (prefers-color-scheme: dark) {
          body, .mz-page { background-color: #101317 !important; color: #e6e8eb !important; }
          .mz-card, .mz-card h1, .mz-card h2 { background-color: #1b1f24 !important; color: #e6e8eb !important; }
          .mz-muted { color: #aab3bd !important; }
          .mz-item, .mz-footer { border-color: #343b44 !important; }
          .mz-card a { color: #8ec0ff !important; }
        }
        """;

    /// <summary>Renders <paramref name="content"/> as an email with the recipient's <paramref name="links"/>.</summary>
    /// <exception cref="ArgumentException">A link in <paramref name="links"/> is not an absolute https URL (http only to loopback).</exception>
    /// <exception cref="InvalidOperationException">A link in the content is not an http or https URL.</exception>
    public static EmailMessage Render(DailyContent content, EmailLinks links)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(links);
        RequireHttps(links.Unsubscribe, nameof(links));
        if (links.Manage is { } manage)
        {
            RequireHttps(manage, nameof(links));
        }

        var subject = Subject(content);
        return new EmailMessage { Subject = subject, Html = Html(content, links, subject), Text = Text(content, links) };
    }

    /// <summary>
    /// The double opt-in mail: one button to <paramref name="confirm"/>, how long it lasts, and what happens if the
    /// reader did not ask. Laid out like the daily mail, with a plain-text part.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="confirm"/> is not an absolute https URL (http only to loopback).</exception>
    public static EmailMessage RenderConfirmation(Uri confirm, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(confirm);
        RequireHttps(confirm, nameof(confirm));
        var subject = $"Confirm your subscription to {Title}";
        var days = $"{lifetime.TotalDays:0} days";
        var html = new StringBuilder(4096);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"color-scheme\" content=\"light dark\">\n")
            .Append("<title>").Append(Encode(subject)).Append("</title>\n")
            .Append("<style>\n").Append(DarkStyles).Append("\n</style>\n</head>\n")
            .Append("<body style=\"").Append(BodyStyle).Append("\">\n")
            .Append("<div class=\"mz-page\" style=\"").Append(WrapperStyle).Append("\">\n")
            .Append("<div class=\"mz-card\" style=\"").Append(CardStyle).Append("\">\n")
            .Append("<h1 style=\"").Append(HeadingStyle).Append("\">").Append(Title).Append("</h1>\n")
            .Append("<p>Please confirm that you want the day's study of the Rambam's Sefer HaMitzvos by email.</p>\n")
            .Append("<p style=\"margin:16px 0;font-size:17px;\">");
        Anchor(html, confirm, "Confirm my subscription");
        html.Append("</p>\n")
            .Append("<div class=\"mz-footer mz-muted\" style=\"").Append(FooterStyle).Append("\">")
            .Append("The link works for ").Append(days).Append(". If you did not ask for this, ignore this email: nothing will be sent.")
            .Append("</div>\n</div>\n</div>\n</body>\n</html>\n");
        var text = $"{Title}\n\nPlease confirm that you want the day's study of the Rambam's Sefer HaMitzvos by email:\n\n"
            + $"{confirm.AbsoluteUri}\n\nThe link works for {days}. If you did not ask for this, ignore this email: nothing will be sent.\n";
        return new EmailMessage { Subject = subject, Html = html.ToString(), Text = text };
    }

    private static string Subject(DailyContent content)
    {
        var subject = new StringBuilder(Title).Append(" · ");
        subject.Append(content.Days[0].Weekday).Append(' ').Append(content.Date.ToString("d MMMM", Invariant));
        var rest = content.Days.Skip(1).Select(day => day.Festival ?? day.Weekday).Distinct(StringComparer.Ordinal).ToList();
        if (rest.Count > 0)
        {
            subject.Append(" + ").Append(JoinAnd(rest));
        }

        subject.Append(" · ").Append(content.HebrewDate);

        // A subject is one header line: content never gets to break it.
        for (var i = 0; i < subject.Length; i++)
        {
            if (char.IsControl(subject[i]))
            {
                subject[i] = ' ';
            }
        }

        return subject.ToString();
    }

    private static string Html(DailyContent content, EmailLinks links, string subject)
    {
        var html = new StringBuilder(8192);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"color-scheme\" content=\"light dark\">\n")
            .Append("<meta name=\"supported-color-schemes\" content=\"light dark\">\n")
            .Append("<title>").Append(Encode(subject)).Append("</title>\n")
            .Append("<style>\n").Append(DarkStyles).Append("\n</style>\n</head>\n")
            .Append("<body style=\"").Append(BodyStyle).Append("\">\n")
            .Append("<div class=\"mz-page\" style=\"").Append(WrapperStyle).Append("\">\n")
            .Append("<div class=\"mz-card\" style=\"").Append(CardStyle).Append("\">\n");

        html.Append("<h1 style=\"").Append(HeadingStyle).Append("\">").Append(Title).Append("</h1>\n")
            .Append("<p style=\"margin:4px 0 0 0;\">").Append(Encode(content.DateLine)).Append("</p>\n")
            .Append("<p class=\"mz-muted\" style=\"margin:0;").Append(MutedStyle).Append("\">").Append(Encode(content.HebrewDate)).Append("</p>\n");
        if (content.RestDaysCovered.Count > 0)
        {
            html.Append("<p style=\"margin:12px 0 0 0;\">").Append(Encode(RestDaysLine(content))).Append("</p>\n");
        }

        foreach (var day in content.Days)
        {
            html.Append("<h2 style=\"").Append(DayHeadingStyle).Append("\">").Append(Encode(DayLabel(day))).Append("</h2>\n");
            foreach (var item in day.Items)
            {
                html.Append("<div class=\"mz-item\" style=\"").Append(ItemStyle).Append("\">")
                    .Append("<div class=\"mz-muted\" style=\"font-size:14px;").Append(MutedStyle).Append("\">").Append(Encode(item.Name)).Append("</div>");
                if (item.Continued)
                {
                    Anchor(html, item.Link, "continued");
                }
                else
                {
                    html.Append("<strong>");
                    Anchor(html, item.Link, item.Title);
                    html.Append("</strong>");
                    if (item.Verse is { } verse)
                    {
                        html.Append("<div class=\"mz-muted\" style=\"font-size:14px;").Append(MutedStyle).Append("\">").Append(Encode(verse)).Append("</div>");
                    }
                }

                html.Append("</div>\n");
            }

            if (day.EditionNote is { } note)
            {
                html.Append("<p class=\"mz-muted\" style=\"").Append(NoteStyle).Append("\">").Append(Encode(note)).Append("</p>\n");
            }

            html.Append("<p style=\"margin:8px 0 0 0;font-size:15px;\">");
            Anchor(html, day.StudyLink, $"Read the study for {day.Weekday} {day.Date.ToString("d MMM", Invariant)}");
            html.Append("</p>\n");
        }

        html.Append("<div class=\"mz-footer mz-muted\" style=\"").Append(FooterStyle).Append("\">")
            .Append("You receive this email because you subscribed to ").Append(Title).Append(".<br>");
        Anchor(html, links.Unsubscribe, "Unsubscribe");
        if (links.Manage is { } manage)
        {
            html.Append(" · ");
            Anchor(html, manage, "Manage your subscription");
        }

        return html.Append("</div>\n</div>\n</div>\n</body>\n</html>\n").ToString();
    }

    private static string Text(DailyContent content, EmailLinks links)
    {
        var text = new StringBuilder(4096);
        text.Append(Title).Append(" · ").Append(content.DateLine).Append('\n').Append(content.HebrewDate).Append('\n');
        if (content.RestDaysCovered.Count > 0)
        {
            text.Append(RestDaysLine(content)).Append('\n');
        }

        foreach (var day in content.Days)
        {
            text.Append('\n').Append(DayLabel(day)).Append('\n');
            foreach (var item in day.Items)
            {
                text.Append("• ").Append(item.Name);
                if (item.Continued)
                {
                    text.Append(" (continued)");
                }
                else
                {
                    text.Append(" — ").Append(item.Title);
                    if (item.Verse is { } verse)
                    {
                        text.Append(" (").Append(verse).Append(')');
                    }
                }

                text.Append("\n  ").Append(WebLink(item.Link)).Append('\n');
            }

            if (day.EditionNote is { } note)
            {
                text.Append(note).Append('\n');
            }

            text.Append("Read: ").Append(WebLink(day.StudyLink)).Append('\n');
        }

        text.Append("\n-- \nYou receive this email because you subscribed to ").Append(Title).Append(".\n")
            .Append("Unsubscribe: ").Append(links.Unsubscribe.AbsoluteUri).Append('\n');
        if (links.Manage is { } manage)
        {
            text.Append("Manage your subscription: ").Append(manage.AbsoluteUri).Append('\n');
        }

        return text.ToString();
    }

    private static string RestDaysLine(DailyContent content) =>
        $"Includes the study for {JoinAnd(content.RestDaysCovered)}: no message goes out on rest days.";

    private static string DayLabel(ContentDay day)
    {
        var label = new StringBuilder(day.Weekday).Append(' ').Append(day.Date.ToString("d MMM", Invariant))
            .Append(" · ").Append(day.HebrewDate);
        if (day.Festival is { } festival)
        {
            label.Append(" · ").Append(festival);
        }

        return label.Append(" · day ").Append(day.CycleDay).Append(" of ").Append(Study.StudyCycle.Length).ToString();
    }

    private static void Anchor(StringBuilder html, Uri link, string text) =>
        html.Append("<a href=\"").Append(Encode(WebLink(link))).Append("\" style=\"").Append(LinkStyle).Append("\">")
            .Append(Encode(text)).Append("</a>");

    // A content link becomes a clickable anchor, so anything but a web address (javascript:, data:, file:) is refused.
    private static string WebLink(Uri link) =>
        link.IsAbsoluteUri && (link.Scheme == Uri.UriSchemeHttps || link.Scheme == Uri.UriSchemeHttp)
            ? link.AbsoluteUri
            : throw new InvalidOperationException($"The content link '{link}' is not a web address.");

    // Recipients' links are https; plain http only to this machine, where a local server has no certificate.
    private static void RequireHttps(Uri link, string parameter)
    {
        if (!link.IsAbsoluteUri || !(link.Scheme == Uri.UriSchemeHttps || (link.Scheme == Uri.UriSchemeHttp && link.IsLoopback)))
        {
            throw new ArgumentException($"Email links must be absolute https URLs, not '{link}'.", parameter);
        }
    }

    // Text and double-quoted attribute values alike; the document is UTF-8, so nothing else needs escaping.
    private static string Encode(string value)
    {
        var encoded = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            _ = c switch
            {
                '&' => encoded.Append("&amp;"),
                '<' => encoded.Append("&lt;"),
                '>' => encoded.Append("&gt;"),
                '"' => encoded.Append("&quot;"),
                '\'' => encoded.Append("&#39;"),
                _ => encoded.Append(c),
            };
        }

        return encoded.ToString();
    }

    private static string JoinAnd(IReadOnlyList<string> parts) =>
        parts.Count <= 1 ? string.Concat(parts) : $"{string.Join(", ", parts.Take(parts.Count - 1))} and {parts[^1]}";
}

using System.Text;

namespace Mitzvah.Core.Consent;

/// <summary>Recognises consent keywords in an inbound message.</summary>
/// <remarks>
/// Case-insensitive, trimmed and punctuation-insensitive. Opt-in needs the whole message to be a keyword, so that
/// "restart" or "yes please stop" never subscribes; opt-out accepts a message that begins with a keyword ("stop
/// sending"), because failing to honour a STOP is the worse error. Pure and thread-safe.
/// </remarks>
public static class ConsentKeywordParser
{
    private static readonly HashSet<string> OptInPhrases =
        new(["JOIN MITZVAH", "JOIN", "START", "YES", "UNSTOP", "SUBSCRIBE"], StringComparer.Ordinal);

    private static readonly HashSet<string> OptOutWords =
        new(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"], StringComparer.Ordinal);

    /// <summary>Classifies a message body.</summary>
    public static ConsentKeyword Parse(string? body)
    {
        var words = Normalize(body);
        if (words.Length == 0)
        {
            return ConsentKeyword.Unknown;
        }

        var phrase = string.Join(' ', words);
        if (OptOutWords.Contains(words[0]) || OptOutWords.Contains(phrase.Replace(" ", string.Empty, StringComparison.Ordinal)))
        {
            return ConsentKeyword.OptOut;
        }

        return phrase switch
        {
            _ when OptInPhrases.Contains(phrase) => ConsentKeyword.OptIn,
            "STATUS" => ConsentKeyword.Status,
            "HELP" or "INFO" => ConsentKeyword.Help,
            _ => ConsentKeyword.Unknown,
        };
    }

    // Upper-cases and splits on anything that is not a letter or digit, so "Stop!", " stop. " and "OPT-OUT" match.
    private static string[] Normalize(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return [];
        }

        var text = new StringBuilder(body.Length);
        foreach (var c in body)
        {
            text.Append(char.IsLetterOrDigit(c) ? char.ToUpperInvariant(c) : ' ');
        }

        return text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }
}

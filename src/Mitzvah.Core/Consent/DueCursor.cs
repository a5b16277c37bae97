using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Mitzvah.Core.Consent;

/// <summary>
/// Paging for stores that list due subscribers in (<see cref="Subscriber.NextSendAt"/>, phone) order: the token is
/// the page's last pair, Base64url-encoded so that callers treat it as opaque.
/// </summary>
/// <remarks>
/// Like <see cref="PhoneCursor"/>: a store reads the subscribers after <see cref="After"/> in that order, at most one
/// more than the page size, and hands them to <see cref="ToPage"/>. Times are whole milliseconds since the Unix epoch.
/// Stateless and thread-safe.
/// </remarks>
public static class DueCursor
{
    private const string NotIssued = "The continuation token is not one this store issued.";

    /// <summary>The (time, phone) a page starts after; <see langword="null"/> for the first page.</summary>
    /// <exception cref="ArgumentException"><paramref name="continuationToken"/> is not a token <see cref="ToPage"/> issued.</exception>
    public static (long UnixMilliseconds, string Phone)? After(string? continuationToken)
    {
        if (continuationToken is null)
        {
            return null;
        }

        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(continuationToken));
        }
        catch (FormatException exception)
        {
            throw new ArgumentException(NotIssued, nameof(continuationToken), exception);
        }

        var separator = text.IndexOf(' ', StringComparison.Ordinal);
        return separator > 0
            && long.TryParse(text.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            && AddressKey.IsValid(text[(separator + 1)..])
                ? (milliseconds, text[(separator + 1)..])
                : throw new ArgumentException(NotIssued, nameof(continuationToken));
    }

    /// <summary>Whether <paramref name="subscriber"/> comes after the cursor position <paramref name="after"/>.</summary>
    public static bool IsAfter(Subscriber subscriber, (long UnixMilliseconds, string Phone)? after)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        if (after is not { } position)
        {
            return true;
        }

        var milliseconds = subscriber.NextSendAt?.ToUnixTimeMilliseconds() ?? long.MinValue;
        return milliseconds > position.UnixMilliseconds
            || (milliseconds == position.UnixMilliseconds && string.CompareOrdinal(subscriber.Phone, position.Phone) > 0);
    }

    /// <summary>
    /// The page of the first <paramref name="pageSize"/> of <paramref name="fetched"/> (due order), with a token
    /// naming its last pair when <paramref name="fetched"/> holds more than <paramref name="pageSize"/>.
    /// </summary>
    public static SubscriberPage ToPage(IReadOnlyList<Subscriber> fetched, int pageSize)
    {
        ArgumentNullException.ThrowIfNull(fetched);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        if (fetched.Count <= pageSize)
        {
            return new SubscriberPage(fetched, null);
        }

        var items = fetched.Take(pageSize).ToList();
        var last = items[^1];
        var milliseconds = last.NextSendAt?.ToUnixTimeMilliseconds()
            ?? throw new ArgumentException("A due subscriber has a next send time.", nameof(fetched));
        return new SubscriberPage(items, Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{milliseconds} {last.Phone}"))));
    }
}

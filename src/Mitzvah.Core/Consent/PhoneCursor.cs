using System.Buffers.Text;
using System.Text;

namespace Mitzvah.Core.Consent;

/// <summary>
/// Paging for stores that list subscribers in phone order: the continuation token is the last phone of the page,
/// Base64url-encoded so that callers treat it as opaque.
/// </summary>
/// <remarks>
/// A store queries the subscribers after <see cref="After"/>, ordered by phone, reads at most one more than the page
/// size and hands them to <see cref="ToPage"/>; the extra one only tells that another page follows, so the last page
/// carries no token. A token names a position, not a cursor on the server, so it stays valid however long the caller
/// waits. Stateless and thread-safe.
/// </remarks>
public static class PhoneCursor
{
    private const string NotIssued = "The continuation token is not one this store issued.";

    /// <summary>The phone a page starts after: empty for the first page (every phone sorts after it), else the token's phone.</summary>
    /// <exception cref="ArgumentException"><paramref name="continuationToken"/> is not a token <see cref="ToPage"/> issued.</exception>
    public static string After(string? continuationToken)
    {
        if (continuationToken is null)
        {
            return string.Empty;
        }

        string phone;
        try
        {
            phone = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(continuationToken));
        }
        catch (FormatException exception)
        {
            throw new ArgumentException(NotIssued, nameof(continuationToken), exception);
        }

        return AddressKey.IsValid(phone) ? phone : throw new ArgumentException(NotIssued, nameof(continuationToken));
    }

    /// <summary>
    /// The page of the first <paramref name="pageSize"/> of <paramref name="fetched"/> (phone order), with a token
    /// naming its last phone when <paramref name="fetched"/> holds more than <paramref name="pageSize"/>.
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
        return new SubscriberPage(items, Base64Url.EncodeToString(Encoding.UTF8.GetBytes(items[^1].Phone)));
    }
}

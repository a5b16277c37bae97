namespace Mitzvah.Core.Mail;

/// <summary>Masks email addresses for logs: <c>david@example.org</c> becomes <c>d***@example.org</c>.</summary>
public static class EmailMask
{
    /// <summary>Keeps the first character of the local part and the domain; anything without an @ becomes <c>***</c>.</summary>
    public static string Mask(string? address)
    {
        if (string.IsNullOrEmpty(address))
        {
            return "(none)";
        }

        var at = address.LastIndexOf('@');
        return at <= 0 ? "***" : $"{address[0]}***{address[at..]}";
    }
}

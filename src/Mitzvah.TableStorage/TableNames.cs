namespace Mitzvah.TableStorage;

/// <summary>Checks table prefixes against Azure's table name rules.</summary>
internal static class TableNames
{
    /// <summary>63 characters at most per table name, minus the longest suffix ("ConsentHistory").</summary>
    public const int MaxPrefixLength = 63 - 14;

    public static bool IsValidPrefix(string? prefix) =>
        !string.IsNullOrEmpty(prefix)
        && prefix.Length <= MaxPrefixLength
        && char.IsAsciiLetter(prefix[0])
        && prefix.All(char.IsAsciiLetterOrDigit);

    public static string ThrowIfInvalidPrefix(string? prefix, string paramName) => IsValidPrefix(prefix)
        ? prefix!
        : throw new ArgumentException(
            $"The table prefix must be a letter followed by at most {MaxPrefixLength - 1} letters or digits.", paramName);
}

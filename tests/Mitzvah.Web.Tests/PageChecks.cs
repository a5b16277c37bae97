using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Mitzvah.Core.Endpoints;

namespace Mitzvah.Web.Tests;

/// <summary>What the opt-in page's tests look for: the form's posts and the status line's classes.</summary>
internal static partial class PageChecks
{
    /// <summary>Counts the page's POSTs to the consent endpoint from now on.</summary>
    public static Func<int> CountConsentPosts(IPage page)
    {
        var count = 0;
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && new Uri(request.Url).AbsolutePath == RoutePaths.Consent)
            {
                Interlocked.Increment(ref count);
            }
        };
        return () => Volatile.Read(ref count);
    }

    /// <summary>The status line's class after a success.</summary>
    [GeneratedRegex(@"\bok\b")]
    public static partial Regex OkClass();

    /// <summary>The status line's class after an error.</summary>
    [GeneratedRegex(@"\berror\b")]
    public static partial Regex ErrorClass();
}

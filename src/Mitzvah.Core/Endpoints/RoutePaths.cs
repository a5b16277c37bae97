namespace Mitzvah.Core.Endpoints;

/// <summary>The paths of the built-in routes, as every host serves them.</summary>
public static class RoutePaths
{
    /// <summary>The consent endpoint: inbound messages and the web opt-in form.</summary>
    public const string Consent = "/api/consent";

    /// <summary>The operators' manual trigger of the daily run.</summary>
    public const string Send = "/api/send";

    /// <summary>Whether the deployment can do its daily job.</summary>
    public const string Health = "/api/health";

    /// <summary>The messaging provider's delivery-status callbacks.</summary>
    public const string Status = "/api/status";

    /// <summary>The operators' delivery report of a study date.</summary>
    public const string Report = "/api/report";

    /// <summary>The opt-in page.</summary>
    public const string OptInPage = "/";

    /// <summary>The opt-in page's settings.</summary>
    public const string OptInConfig = "/config.json";

    /// <summary>The email confirmation link (double opt-in).</summary>
    public const string EmailConfirm = "/api/email/confirm";

    /// <summary>The unsubscribe link of every mail (RFC 8058 one-click POST, or a page with a button).</summary>
    public const string Unsubscribe = "/api/unsubscribe";
}

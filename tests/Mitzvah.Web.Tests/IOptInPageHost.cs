using Mitzvah.Core.Consent;

namespace Mitzvah.Web.Tests;

/// <summary>A running host that serves the opt-in page, and the store it records consent in.</summary>
public interface IOptInPageHost
{
    /// <summary>The address users are given: the page is its root.</summary>
    Uri BaseAddress { get; }

    /// <summary>The host's own subscriber store, read directly to see what the page's flows wrote.</summary>
    ISubscriberStore Store { get; }
}

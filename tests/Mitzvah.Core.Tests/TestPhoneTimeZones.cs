using Mitzvah.Core.Consent;

namespace Mitzvah.Core.Tests;

/// <summary>The zones of a few calling codes and area codes, as the messaging adapter's mapper answers them: enough for Core's tests.</summary>
internal sealed class TestPhoneTimeZones : IPhoneTimeZones
{
    private static readonly (string Prefix, string[] Zones)[] Known =
    [
        ("+972", ["Asia/Jerusalem"]),
        ("+44", ["Europe/London"]),
        ("+1415", ["America/Los_Angeles"]),
        ("+1", ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"]),
    ];

    public IReadOnlyList<string> ZonesOf(string phone) =>
        Known.FirstOrDefault(known => phone.StartsWith(known.Prefix, StringComparison.Ordinal)).Zones ?? [];
}

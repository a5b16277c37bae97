using Mitzvah.Testing.StandIns;

namespace Mitzvah.Testing.Consent;

/// <summary>
/// The maildev of the mail scenarios: CI's (<c>MITZVAH_TEST_MAILDEV_*</c>), else one started for the test run on
/// first use and stopped when the process ends.
/// </summary>
internal static class ScenarioMail
{
    private static readonly Lazy<Task<MaildevFixture>> Shared = new(StartAsync);

    public static async Task<IReadOnlyDictionary<string, string?>> SmtpAsync() => (await Shared.Value.ConfigureAwait(false)).HostSettings();

    private static async Task<MaildevFixture> StartAsync()
    {
        var maildev = new MaildevFixture();
        await maildev.InitializeAsync().ConfigureAwait(false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => maildev.DisposeAsync().GetAwaiter().GetResult();
        return maildev;
    }
}

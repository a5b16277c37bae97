using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mitzvah.Core;
using Mitzvah.Core.Logging;
using Mitzvah.Core.Mail;
using Mitzvah.Core.Sending;
using Mitzvah.Smtp;
using Mitzvah.Sqlite;
using Mitzvah.Twilio;

namespace Mitzvah.Cli;

/// <summary>The command line's composition root: configuration from the environment, the embedded SQLite store.</summary>
internal static class CliServices
{
    public const string DatabaseVariable = "MITZVAH_DB";
    public const string DefaultDatabase = "mitzvah.db";

    public static IConfiguration Configuration(IEnumerable<KeyValuePair<string, string?>>? overrides = null) =>
        new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides ?? [])
            .Build();

    /// <summary>The database path: <c>--db</c>, else <c>MITZVAH_DB</c>, else <c>mitzvah.db</c> in the working directory.</summary>
    public static string DatabasePath(string? option, IConfiguration configuration) =>
        Path.GetFullPath(option is { Length: > 0 } ? option : configuration[DatabaseVariable] is { Length: > 0 } fromEnvironment ? fromEnvironment : DefaultDatabase);

    public const string DefaultOutbox = "outbox";

    /// <summary>The port <c>mitzvah serve</c> listens on by default.</summary>
    public const int DefaultPort = 7071;

    /// <summary>
    /// Core, Twilio, SMTP and the SQLite store. Messages go through Twilio when <c>TWILIO_ACCOUNT_SID</c> is set, else to
    /// the outbox folder (<paramref name="outbox"/>, else <c>MITZVAH_OUTBOX</c>, else <c>./outbox</c>); mails go through
    /// SMTP when <c>SMTP_HOST</c> is set, else to <c>.eml</c> files in the outbox's <c>mail</c> folder. Recipients are
    /// the store's opted-in subscribers, or the <c>RECIPIENTS</c> list when that is set.
    /// </summary>
    public static IServiceCollection AddMitzvahCli(
        this IServiceCollection services, IConfiguration configuration, string databasePath, TextWriter log, string? outbox = null)
    {
        services.AddSingleton(configuration);
        services.AddLogging(logging => logging.AddProvider(new TextWriterLoggerProvider(log)).SetMinimumLevel(LogLevel.Information));
        var outboxDirectory = outbox ?? configuration.Text(SettingNames.Outbox) ?? DefaultOutbox;
        if (configuration.Text(TwilioSettingNames.TwilioAccountSid) is null)
        {
            services.AddSingleton<IMessenger>(new OutboxMessenger(outboxDirectory));
        }

        if (configuration.Text(SmtpSettingNames.SmtpHost) is null)
        {
            services.AddSingleton<IMailSender>(provider => new OutboxMailSender(
                Path.Combine(outboxDirectory, "mail"), configuration.Text(SmtpSettingNames.MailFrom), provider.GetRequiredService<TimeProvider>()));
        }

        if (configuration.Text(SettingNames.Recipients) is { } recipients)
        {
            services.AddSingleton<IRecipientSource>(new ConfiguredRecipients(recipients));
        }

        services.AddMitzvahCore(configuration);
        services.PostConfigure<MailOptions>(options =>
        {
            // Mail links work without settings here: signed with a secret kept beside the database, pointing at the
            // local server (its real address once it listens: LocalServer).
            options.LinkSecret ??= LocalMailSecret.ReadOrCreate(databasePath);
            options.LinkBaseUrl ??= new Uri($"http://127.0.0.1:{DefaultPort}/");
        });
        services.AddMitzvahTwilio(configuration);
        services.AddMitzvahSmtp(configuration);
        services.AddMitzvahSqlite(databasePath);
        return services;
    }

    /// <summary>
    /// The schedule settings from the environment (<c>MITZVAH_TIME_ZONE</c>, <c>MITZVAH_SEND_TIME</c>, <c>MITZVAH_IN_ISRAEL</c>,
    /// <c>MITZVAH_SKIP_REST_DAYS</c>), validated, with the command's <c>--israel</c> and <c>--no-rest-days</c> on top.
    /// </summary>
    public static ScheduleOptions Schedule(bool israel, bool noRestDays)
    {
        using var services = new ServiceCollection().AddMitzvahCore(Configuration()).BuildServiceProvider();
        var configured = services.GetRequiredService<IOptions<ScheduleOptions>>().Value;
        return new ScheduleOptions
        {
            TimeZone = configured.TimeZone,
            SendTime = configured.SendTime,
            InIsrael = configured.InIsrael || israel,
            SkipRestDays = configured.SkipRestDays && !noRestDays,
        };
    }

    public static ServiceProvider Build(IConfiguration configuration, string databasePath, TextWriter log, string? outbox = null) =>
        new ServiceCollection().AddMitzvahCli(configuration, databasePath, log, outbox).BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mitzvah.Core;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Sending;
using Mitzvah.Sqlite;
using Mitzvah.Testing;
using Mitzvah.Testing.Contracts;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.Twilio.Tests;

/// <summary>
/// The daily run as a host composes it: real SQLite store and ledger in a temporary file, the real Twilio messenger
/// talking to a <see cref="LoopbackTwilio"/>, and a clock that tests can move past a lease and that records the
/// run's back-offs instead of waiting them out. Each <see cref="BuildServices"/> is a separate "process" sharing the
/// database file and the provider.
/// </summary>
internal sealed class DailySendHarness : IAsyncDisposable
{
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private readonly TemporaryDirectory _directory = new();
    private readonly List<ServiceProvider> _providers = [];
    private readonly ServiceProvider _inspection;

    private DailySendHarness(LoopbackTwilio loopback)
    {
        Loopback = loopback;
        DatabasePath = _directory.NewDatabasePath();
        _inspection = BuildServices();
        Store = _inspection.GetRequiredService<ISubscriberStore>();
        Ledger = _inspection.GetRequiredService<IDeliveryLedger>();
    }

    public LoopbackTwilio Loopback { get; }

    public ShiftableTimeProvider Time { get; } = new();

    public string DatabasePath { get; }

    public ISubscriberStore Store { get; }

    public IDeliveryLedger Ledger { get; }

    public static async Task<DailySendHarness> StartAsync(LoopbackTwilioOptions? options = null) =>
        new(await LoopbackTwilio.StartAsync(options));

    /// <summary>A fresh container on the shared file, clock and loopback; disposed with the harness unless disposed earlier.</summary>
    public ServiceProvider BuildServices(int concurrency = 8, Action<TwilioOptions>? twilio = null, int maxAttempts = 3, Action<SendOptions>? send = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [TwilioSettingNames.TwilioAccountSid] = Loopback.AccountSid,
            [TwilioSettingNames.TwilioAuthToken] = Loopback.AuthToken,
            [TwilioSettingNames.TwilioWhatsAppNumber] = TestMessengers.Sender,
            [TwilioSettingNames.TwilioApiBaseUrl] = Loopback.BaseUrl.ToString(),
            [SettingNames.SendConcurrency] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();

        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        services.AddMitzvahCore(configuration).AddMitzvahSqlite(DatabasePath).AddMitzvahTwilio(configuration);
        services.Configure<SendOptions>(options =>
        {
            options.MaxAttempts = maxAttempts;
            options.BaseDelay = TimeSpan.FromMilliseconds(10);
            options.MaxDelay = TimeSpan.FromSeconds(2);
            options.Lease = Lease;
            send?.Invoke(options);
        });
        services.Configure<TwilioOptions>(options =>
        {
            options.RequestTimeout = TimeSpan.FromSeconds(5);
            twilio?.Invoke(options);
        });

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _ = provider.GetRequiredService<IOptions<SendOptions>>().Value;
        lock (_providers)
        {
            _providers.Add(provider);
        }

        return provider;
    }

    /// <summary>Opts in <paramref name="count"/> numbered subscribers and returns their numbers.</summary>
    public async Task<IReadOnlyList<string>> SeedAsync(int count)
    {
        var phones = Enumerable.Range(1, count).Select(TestPhones.Numbered).ToList();
        foreach (var phone in phones)
        {
            await Store.RecordConsentAsync(ConsentChangeBuilder.OptIn(phone).ViaWebForm("v1", "203.0.113.7", "test").Build());
        }

        return phones;
    }

    public static Task<SendSummary> RunAsync(IServiceProvider services, IProgress<SendProgress>? progress = null, CancellationToken cancellationToken = default) =>
        services.GetRequiredService<DailySendService>().RunAsync(new SendRequest(Date: TestMessengers.SendDay), progress, cancellationToken);

    public static Task<SendSummary> RunAsync(IServiceProvider services, SendRequest request, CancellationToken cancellationToken = default) =>
        services.GetRequiredService<DailySendService>().RunAsync(request, cancellationToken: cancellationToken);

    public async Task<DeliveryRecord> RecordOfAsync(string phone) =>
        await Ledger.GetAsync(TestMessengers.SendDay, phone) ?? throw new InvalidOperationException($"No ledger item for {phone}.");

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await Loopback.DisposeAsync();
        _directory.Dispose();
    }
}

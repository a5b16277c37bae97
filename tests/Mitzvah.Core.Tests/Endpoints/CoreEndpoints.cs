using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Limits;
using Mitzvah.Core.Sending;
using Mitzvah.Testing.InMemory;

namespace Mitzvah.Core.Tests.Endpoints;

/// <summary>Core's composition on in-memory adapters, a fake clock and a test webhook: every route, no host.</summary>
internal sealed class CoreEndpoints : IDisposable
{
    public const string SendToken = "send-token-0123456789abcdef";

    private readonly ServiceProvider _services;

    public CoreEndpoints(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        Messenger = new InMemoryMessenger(Time);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var services = new ServiceCollection();
        configure?.Invoke(services);
        _services = services
            .AddLogging(logging => logging.AddProvider(Logs))
            .AddSingleton<TimeProvider>(Time)
            .AddSingleton<ISubscriberStore>(Store)
            .AddSingleton<IDeliveryLedger>(Ledger)
            .AddSingleton<IRateLimiter>(Limiter)
            .AddSingleton<IMessenger>(Messenger)
            .AddSingleton<IInboundWebhook>(Webhook)
            .AddSingleton<IDeliveryStatusWebhook>(StatusWebhook)
            .AddSingleton<IPhoneNumberNormalizer, E164PhoneNormalizer>()
            .AddSingleton<IPhoneTimeZones, TestPhoneTimeZones>()
            .AddMitzvahCore(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    /// <summary>Wednesday 25 November 2026, 16:00 UTC: 10:00 in Chicago, a day that sends.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 16, 0, 0, TimeSpan.Zero));

    public InMemorySubscriberStore Store { get; } = new();

    public InMemoryDeliveryLedger Ledger { get; } = new();

    public InMemoryRateLimiter Limiter { get; } = new();

    public InMemoryMessenger Messenger { get; }

    public TestInboundWebhook Webhook { get; } = new();

    public TestDeliveryStatusWebhook StatusWebhook { get; } = new();

    public RecordingLoggerProvider Logs { get; } = new();

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    public Task<EndpointResponse> SendAsync(
        string method, string path, string? contentType = null, string body = "", IEnumerable<KeyValuePair<string, string>>? headers = null, string query = "")
    {
        var all = (headers ?? []).ToList();
        if (contentType is not null)
        {
            all.Add(KeyValuePair.Create("Content-Type", contentType));
        }

        return Get<EndpointRouter>().HandleAsync(new EndpointRequest
        {
            Method = method,
            Path = path,
            Headers = EndpointRequest.HeaderDictionary(all),
            QueryString = query,
            Body = Encoding.UTF8.GetBytes(body),
            Url = new Uri($"https://mitzvah.test{path}{(query.Length > 0 ? "?" + query : string.Empty)}"),
            RemoteAddress = "10.0.0.9",
        });
    }

    public void Dispose() => _services.Dispose();
}

using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;

namespace Mitzvah.Core.Tests.Endpoints;

public sealed class EndpointRouterTests
{
    private static readonly Uri Seen = new("http://10.0.0.5:7071/api/consent?a=1");

    [Fact]
    public async Task A_request_goes_to_the_route_that_claims_its_path_ignoring_case_and_a_trailing_slash()
    {
        var consent = new Recording(RoutePaths.Consent);
        var other = new Recording("/api/other");
        var router = Router(null, consent, other);

        await router.HandleAsync(Request("/API/Consent/"));
        await router.HandleAsync(Request("/api/other"));

        Assert.Single(consent.Seen);
        Assert.Single(other.Seen);
    }

    [Fact]
    public async Task An_unknown_path_is_404_naming_the_known_ones()
    {
        var router = Router(null, new Recording(RoutePaths.Consent));

        var response = await router.HandleAsync(Request("/wp-admin"));

        Assert.Equal(404, response.StatusCode);
        Assert.Contains("/wp-admin", response.Body, StringComparison.Ordinal);
        Assert.Contains(RoutePaths.Consent, response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_routes_claiming_one_path_fail_at_start_up()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Router(null, new Recording("/x"), new Recording("/X/")));

        Assert.Contains("/x", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Without_a_public_url_the_url_the_host_saw_is_signed()
    {
        var route = new Recording(RoutePaths.Consent);

        await Router(null, route).HandleAsync(Request(RoutePaths.Consent));

        Assert.Equal(Seen, route.Seen.Single().PublicUrl);
    }

    [Fact]
    public async Task With_a_public_consent_url_the_consent_path_is_exactly_it_and_other_paths_use_its_origin()
    {
        var configured = new Uri("https://mitzvah.example.org/hooks/consent?k=v");
        var consent = new Recording(RoutePaths.Consent);
        var status = new Recording("/api/status");
        var router = Router(configured, consent, status);

        await router.HandleAsync(Request(RoutePaths.Consent));
        await router.HandleAsync(Request("/api/status", "sid=SM1"));

        Assert.Equal(configured, consent.Seen.Single().PublicUrl);
        Assert.Equal(new Uri("https://mitzvah.example.org/api/status?sid=SM1"), status.Seen.Single().PublicUrl);
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData(" 203.0.113.7 , 10.0.0.1", "203.0.113.7")]
    [InlineData(null, "10.0.0.9")]
    [InlineData("", "10.0.0.9")]
    public void The_client_address_is_the_first_forwarded_entry_else_the_peer(string? forwarded, string expected)
    {
        var headers = forwarded is null ? [] : new[] { KeyValuePair.Create("X-Forwarded-For", forwarded) };
        var request = Request("/") with { Headers = EndpointRequest.HeaderDictionary(headers), RemoteAddress = "10.0.0.9" };

        Assert.Equal(expected, request.ClientAddress);
    }

    private static EndpointRouter Router(Uri? publicConsentUrl, params IEndpointRoute[] routes) =>
        new(routes, Options.Create(new ConsentOptions { PublicConsentUrl = publicConsentUrl }));

    private static EndpointRequest Request(string path, string query = "") => new()
    {
        Method = "GET",
        Path = path,
        Headers = EndpointRequest.HeaderDictionary([]),
        QueryString = query,
        Url = Seen,
    };

    private sealed class Recording(string path) : IEndpointRoute
    {
        public List<EndpointRequest> Seen { get; } = [];

        public IReadOnlyList<string> Paths { get; } = [path];

        public Task<EndpointResponse> HandleAsync(EndpointRequest request, CancellationToken cancellationToken = default)
        {
            Seen.Add(request);
            return Task.FromResult(EndpointResponse.JsonBody(200, new { ok = true }));
        }
    }
}

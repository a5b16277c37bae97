using System.Text;
using Mitzvah.Core.Endpoints;

namespace Mitzvah.Testing.Endpoints;

/// <summary>
/// A route that exists only in tests: registered through the container alone, it proves that a host serves a new
/// route without being edited, and shows what the host handed Core.
/// </summary>
public sealed class EchoRoute : IEndpointRoute
{
    public const string Path = "/api/test-echo";

    public IReadOnlyList<string> Paths { get; } = [Path];

    public Task<EndpointResponse> HandleAsync(EndpointRequest request, CancellationToken cancellationToken = default) =>
        Task.FromResult(EndpointResponse.JsonBody(200, new
        {
            method = request.Method,
            path = request.Path,
            query = request.QueryString,
            publicUrl = request.PublicUrl.ToString(),
            clientAddress = request.ClientAddress,
            body = Encoding.UTF8.GetString(request.Body.Span),
        }));
}

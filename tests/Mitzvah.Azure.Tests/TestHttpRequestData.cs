using System.Security.Claims;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Mitzvah.Azure.Tests;

/// <summary>An HTTP request as the worker hands it to a function: method, URL, headers and a body stream.</summary>
internal sealed class TestHttpRequestData : HttpRequestData
{
    public TestHttpRequestData(FunctionContext context, string method, Uri url, byte[] body, IEnumerable<KeyValuePair<string, string>> headers)
        : base(context)
    {
        Method = method;
        Url = url;
        Body = new MemoryStream(body, writable: false);
        foreach (var (name, value) in headers)
        {
            Headers.TryAddWithoutValidation(name, value);
        }
    }

    public override Stream Body { get; }

    public override HttpHeadersCollection Headers { get; } = [];

    public override IReadOnlyCollection<IHttpCookie> Cookies { get; } = [];

    public override Uri Url { get; }

    public override IEnumerable<ClaimsIdentity> Identities { get; } = [];

    public override string Method { get; }

    public override HttpResponseData CreateResponse() => new TestHttpResponseData(FunctionContext);
}

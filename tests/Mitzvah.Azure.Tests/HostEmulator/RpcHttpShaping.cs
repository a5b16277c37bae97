using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;

namespace Mitzvah.Azure.Tests.HostEmulator;

/// <summary>
/// Builds an invocation's <c>RpcHttp</c> the way the host does for the capabilities the worker declared in its
/// <c>WorkerInitResponse</c>, and reads the worker's <c>RpcHttp</c> answer back.
/// </summary>
internal static class RpcHttpShaping
{
    public const string RawHttpBodyBytes = "RawHttpBodyBytes";
    public const string RpcHttpBodyOnly = "RpcHttpBodyOnly";
    public const string UseNullableValueDictionaryForHttp = "UseNullableValueDictionaryForHttp";
    public const string RpcHttpTriggerMetadataRemoved = "RpcHttpTriggerMetadataRemoved";

    /// <summary>The host treats a capability as on when the worker sent it with any non-empty value.</summary>
    public static bool Declared(IReadOnlyDictionary<string, string> capabilities, string name) =>
        capabilities.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value);

    public static RpcHttp Request(
        EmulatedHttpRequest request, Uri url, IReadOnlyDictionary<string, string> routeValues, IReadOnlyDictionary<string, string> capabilities)
    {
        var nullable = Declared(capabilities, UseNullableValueDictionaryForHttp);
        var http = new RpcHttp { Method = request.Method, Url = url.ToString() };
        foreach (var (name, value) in Query(url))
        {
            Add(nullable ? http.NullableQuery : null, http.Query, name, value);
        }

        foreach (var (name, value) in Headers(request))
        {
            Add(nullable ? http.NullableHeaders : null, http.Headers, name.ToLowerInvariant(), value);
        }

        foreach (var (name, value) in routeValues)
        {
            if (nullable)
            {
                http.NullableParams.Add(name, new NullableString { Value = value });
            }
            else
            {
                http.Params.Add(name, value);
            }
        }

        var bytes = Encoding.UTF8.GetBytes(request.Body);
        if (bytes.Length > 0)
        {
            var raw = Declared(capabilities, RawHttpBodyBytes)
                ? new TypedData { Bytes = ByteString.CopyFrom(bytes) }
                : new TypedData { String = request.Body };
            if (Declared(capabilities, RpcHttpBodyOnly))
            {
                http.Body = raw;
            }
            else
            {
                // Older workers get the body parsed by content type, and the raw body beside it.
                http.Body = IsJson(request.ContentType) ? new TypedData { Json = request.Body } : new TypedData { String = request.Body };
                http.RawBody = raw;
            }
        }

        return http;
    }

    /// <summary>The trigger metadata the host adds for an HTTP invocation: route values, and for older workers the query and headers.</summary>
    public static IEnumerable<KeyValuePair<string, TypedData>> TriggerMetadata(
        RpcHttp http, IReadOnlyDictionary<string, string> routeValues, IReadOnlyDictionary<string, string> capabilities)
    {
        foreach (var (name, value) in routeValues)
        {
            yield return new(name, new TypedData { String = value });
        }

        if (!Declared(capabilities, RpcHttpTriggerMetadataRemoved))
        {
            yield return new("Query", new TypedData { Json = JsonSerializer.Serialize(http.Query) });
            yield return new("Headers", new TypedData { Json = JsonSerializer.Serialize(http.Headers) });
        }
    }

    public static EmulatedHttpResponse Response(RpcHttp http)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in http.Headers)
        {
            headers[name] = value;
        }

        foreach (var (name, value) in http.NullableHeaders)
        {
            headers[name] = value.Value;
        }

        var body = http.Body?.DataCase switch
        {
            TypedData.DataOneofCase.Bytes => http.Body.Bytes.ToStringUtf8(),
            TypedData.DataOneofCase.Stream => http.Body.Stream.ToStringUtf8(),
            TypedData.DataOneofCase.String => http.Body.String,
            TypedData.DataOneofCase.Json => http.Body.Json,
            _ => "",
        };
        var status = string.IsNullOrEmpty(http.StatusCode) ? 200 : int.Parse(http.StatusCode, System.Globalization.CultureInfo.InvariantCulture);
        return new EmulatedHttpResponse { StatusCode = status, Headers = headers, Body = body };
    }

    private static void Add(Google.Protobuf.Collections.MapField<string, NullableString>? nullable, Google.Protobuf.Collections.MapField<string, string> plain, string name, string value)
    {
        if (nullable is not null)
        {
            nullable[name] = new NullableString { Value = value };
        }
        else if (!string.IsNullOrEmpty(value))
        {
            // Without the capability the host leaves out empty values, which plain proto maps cannot carry as null.
            plain[name] = value;
        }
    }

    private static IEnumerable<KeyValuePair<string, string>> Headers(EmulatedHttpRequest request)
    {
        foreach (var header in request.Headers)
        {
            yield return header;
        }

        if (request.ContentType is not null)
        {
            yield return new("Content-Type", request.ContentType);
        }

        if (request.Body.Length > 0)
        {
            yield return new("Content-Length", Encoding.UTF8.GetByteCount(request.Body).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static IEnumerable<KeyValuePair<string, string>> Query(Uri url)
    {
        foreach (var part in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? part : part[..equals];
            var value = equals < 0 ? "" : part[(equals + 1)..];
            yield return new(Uri.UnescapeDataString(name.Replace('+', ' ')), Uri.UnescapeDataString(value.Replace('+', ' ')));
        }
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);
}

using System.Net.Http.Headers;
using Grpc.Core;

namespace OtlpGrains.LoadTool;

/// <summary>
/// The <c>--header name=value</c> pairs: gRPC metadata on every OTLP/gRPC export, HTTP headers on every OTLP/HTTP
/// export and API query, as an OTel exporter sends <c>OTEL_EXPORTER_OTLP_HEADERS</c> (an API key:
/// <c>--header "authorization=Bearer $KEY"</c>).
/// </summary>
internal static class RequestHeaders
{
    /// <summary>A header of <c>name=value</c>; false when the name is empty or not an HTTP token.</summary>
    public static bool TryParse(string text, out KeyValuePair<string, string> header)
    {
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        string name = equals < 0 ? string.Empty : text[..equals].Trim().ToLowerInvariant();
        header = new(name, equals < 0 ? string.Empty : text[(equals + 1)..].Trim());
        return name.Length > 0 && name.All(IsTokenChar) && !name.EndsWith("-bin", StringComparison.Ordinal);
    }

    /// <summary>The headers as gRPC metadata, or null when there are none.</summary>
    public static Metadata? ToMetadata(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        if (headers.Count == 0)
        {
            return null;
        }

        var metadata = new Metadata();
        foreach ((string name, string value) in headers)
        {
            metadata.Add(name, value);
        }

        return metadata;
    }

    public static HttpClient ApplyTo(HttpClient client, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(client);
        HttpRequestHeaders target = client.DefaultRequestHeaders;
        foreach ((string name, string value) in headers)
        {
            target.TryAddWithoutValidation(name, value);
        }

        return client;
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}

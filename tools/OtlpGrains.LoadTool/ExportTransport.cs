using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Grpc.Core;

namespace OtlpGrains.LoadTool;

/// <summary>Sends one encoded export request and answers how many items the server rejected, or throws <see cref="ExportRefusedException"/>.</summary>
internal interface IExportTransport
{
    Task<long> ExportAsync(byte[] body, CancellationToken abort);
}

/// <summary>OTLP/gRPC: the signal's unary Export call with the raw bytes.</summary>
internal sealed class GrpcExportTransport(CallInvoker invoker, LoadSignal signal, TimeProvider time, Metadata? headers = null) : IExportTransport
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    public async Task<long> ExportAsync(byte[] body, CancellationToken abort)
    {
        try
        {
            var options = new CallOptions(headers, deadline: time.GetUtcNow().UtcDateTime + CallTimeout, cancellationToken: abort);
            using AsyncUnaryCall<ExportAnswer> call = invoker.AsyncUnaryCall(signal.Export, null, options, body);
            return (await call).Rejected;
        }
        catch (RpcException ex)
        {
            bool throttled = ex.StatusCode is StatusCode.ResourceExhausted or StatusCode.Unavailable;
            throw new ExportRefusedException(ex.StatusCode.ToString(), throttled, throttled ? RetryDelay.FromServer(ex.Trailers) : null, ex.Status.Detail);
        }
    }
}

/// <summary>OTLP/HTTP: POST to <c>/v1/traces</c> or <c>/v1/logs</c> with a protobuf or OTLP JSON body.</summary>
internal sealed class HttpExportTransport(HttpClient client, Uri endpoint, LoadSignal signal, bool json) : IExportTransport
{
    private static readonly MediaTypeHeaderValue Protobuf = new("application/x-protobuf");
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly Uri _target = new(endpoint, signal.HttpPath);

    public async Task<long> ExportAsync(byte[] body, CancellationToken abort)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = json ? Json : Protobuf;
        using HttpResponseMessage response = await client.PostAsync(_target, content, abort);
        byte[] answer = await response.Content.ReadAsByteArrayAsync(abort);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return answer.Length == 0 ? 0 : json ? RejectedInJson(answer) : signal.RejectedIn(answer);
        }

        bool throttled = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable;
        TimeSpan? retryAfter = response.Headers.RetryAfter?.Delta;
        string detail = System.Text.Encoding.UTF8.GetString(answer.AsSpan(0, Math.Min(answer.Length, 300))).ReplaceLineEndings(" ");
        throw new ExportRefusedException(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), throttled, retryAfter, detail);
    }

    /// <summary><c>partialSuccess.rejectedSpans</c> (or records) of an OTLP JSON answer; 64-bit integers may be strings.</summary>
    private long RejectedInJson(byte[] answer)
    {
        using var document = JsonDocument.Parse(answer);
        if (!document.RootElement.TryGetProperty("partialSuccess", out JsonElement partial) ||
            !partial.TryGetProperty(signal.RejectedJsonField, out JsonElement rejected))
        {
            return 0;
        }

        return rejected.ValueKind == JsonValueKind.String ? long.Parse(rejected.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : rejected.GetInt64();
    }
}

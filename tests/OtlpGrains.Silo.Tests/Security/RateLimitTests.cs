using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Xunit;

namespace OtlpGrains.Silo.Tests.Security;

/// <summary>
/// One OTLP request per second per key: the key that sends more gets 429 with <c>Retry-After</c> (HTTP) or
/// RESOURCE_EXHAUSTED with a <c>google.rpc.RetryInfo</c> (gRPC), counted as <c>reason="rate"</c>, while another key
/// is not held back.
/// </summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    /// <summary>Enough requests that some fall in one second whatever the machine's load.</summary>
    private const int Attempts = 200;

    private readonly SecuredSilo _silo = new(["--OtlpGrains:Security:RequestsPerSecond=1"]);

    public Task InitializeAsync() => _silo.InitializeAsync();

    public Task DisposeAsync() => _silo.DisposeAsync();

    [Fact]
    public async Task HttpOverTheLimitIs429WithRetryAfter()
    {
        HttpResponseMessage? refused = null;
        for (var i = 0; i < Attempts && refused is null; i++)
        {
            var response = await _silo.ExportHttpAsync(SecuredSilo.Secrets["collector"], "auth-rate-http");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                response.Dispose();
            }
        }

        Assert.NotNull(refused);
        using (refused)
        {
            Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {refused.Headers.RetryAfter}");
            var status = Google.Rpc.Status.Parser.ParseFrom(await refused.Content.ReadAsByteArrayAsync());
            Assert.Equal((int)StatusCode.ResourceExhausted, status.Code);
            Assert.Equal("rate limit: API key 'collector' sent more than 1 OTLP requests in a second", status.Message);
        }

        // Another key has its own budget.
        using var other = await _silo.ExportHttpAsync(SecuredSilo.Secrets["collector-next"], "auth-rate-http");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.True(SecuredSilo.Series(await _silo.MetricsAsync(), "otlpgrains_gateway_refused_requests_total", "signal=\"traces\"", "reason=\"rate\"") >= 1);
    }

    [Fact]
    public async Task GrpcOverTheLimitIsResourceExhaustedWithRetryInfo()
    {
        RpcException? refused = null;
        for (var i = 0; i < Attempts && refused is null; i++)
        {
            try
            {
                await _silo.ExportGrpcAsync(SecuredSilo.Secrets["everything"], "auth-rate-grpc");
            }
            catch (RpcException exception) when (exception.StatusCode == StatusCode.ResourceExhausted)
            {
                refused = exception;
            }
        }

        Assert.NotNull(refused);
        Assert.Contains("rate limit: API key 'everything'", refused.Status.Detail, StringComparison.Ordinal);
        Assert.True(RetryDelay(refused.Trailers) >= TimeSpan.FromSeconds(1));
        await _silo.ExportGrpcAsync(SecuredSilo.Secrets["collector"], "auth-rate-grpc");
    }

    /// <summary>The retry delay of the google.rpc.RetryInfo in a status's details.</summary>
    private static TimeSpan RetryDelay(Metadata trailers)
    {
        var bytes = trailers.GetValueBytes("grpc-status-details-bin");
        Assert.NotNull(bytes);
        var status = Google.Rpc.Status.Parser.ParseFrom(bytes);
        Assert.Equal((int)StatusCode.ResourceExhausted, status.Code);
        var any = Assert.Single(status.Details);
        Assert.Equal("type.googleapis.com/google.rpc.RetryInfo", any.TypeUrl);
        var retryInfo = new CodedInputStream(any.Value.ToByteArray());
        Assert.Equal(WireFormat.MakeTag(1, WireFormat.WireType.LengthDelimited), retryInfo.ReadTag());
        return Google.Protobuf.WellKnownTypes.Duration.Parser.ParseFrom(retryInfo.ReadBytes()).ToTimeSpan();
    }
}

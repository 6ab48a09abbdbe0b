using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace OtlpGrains.Gateway.Tests;

/// <summary>
/// The parts of a gRPC call the receiver touches: cancellation, response trailers, and the HTTP request the call came
/// in (Grpc.AspNetCore's <c>GetHttpContext</c> finds it in the user state, as it does for its own test contexts).
/// </summary>
internal sealed class FakeServerCallContext(CancellationToken cancellationToken = default) : ServerCallContext
{
    private readonly Metadata _requestHeaders = [];
    private readonly Metadata _responseTrailers = [];

    protected override string MethodCore => "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

    protected override string HostCore => "localhost";

    protected override string PeerCore => "ipv4:127.0.0.1:5000";

    protected override DateTime DeadlineCore => DateTime.MaxValue;

    protected override Metadata RequestHeadersCore => _requestHeaders;

    protected override CancellationToken CancellationTokenCore => cancellationToken;

    protected override Metadata ResponseTrailersCore => _responseTrailers;

    protected override IDictionary<object, object> UserStateCore { get; } = new Dictionary<object, object> { ["__HttpContext"] = new DefaultHttpContext() };

    protected override Status StatusCore { get; set; }

    protected override WriteOptions? WriteOptionsCore { get; set; }

    protected override AuthContext AuthContextCore => new(null, []);

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
}

using System.Globalization;
using System.Security.Authentication;
using Grpc.Core;
using Microsoft.Extensions.Options;
using OtlpGrains.Federation.V1;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Federation;
using ClusterSummary = OtlpGrains.Interfaces.ClusterSummary;

namespace OtlpGrains.Grains.Federation;

/// <summary>
/// Calls a peer's federation service with its key and the peer deadline, and says how the call went in the terms of a
/// federated answer: a deadline is a timeout, an unreachable peer is unavailable, a refused key or certificate is
/// refused, anything else an error.
/// </summary>
internal sealed class PeerLinks(PeerChannels channels, IOptions<FederationOptions> options, FederationInstruments instruments, TimeProvider time)
{
    private readonly FederationOptions _options = options.Value;

    public IEnumerable<string> Names => _options.Peers.Select(p => p.Name);

    public string ClusterName => _options.ClusterName;

    public async Task<PeerReply<ClusterSummary>> SummaryAsync(string peer, CancellationToken cancellationToken)
    {
        long bytes = 0;
        var reply = await CallAsync(peer, async (client, call) =>
        {
            var summary = await client.GetSummaryAsync(new GetSummaryRequest { FromCluster = _options.ClusterName }, call);
            bytes = summary.CalculateSize();
            return PeerWire.FromWire(summary);
        }, cancellationToken);
        instruments.Pulled(peer, reply.Status, bytes);
        return reply;
    }

    public async Task<PeerReply<TracePart>> TraceAsync(string peer, string traceId, CancellationToken cancellationToken)
    {
        var reply = await CallAsync(peer, async (client, call) =>
        {
            var spans = await client.GetTraceAsync(new GetTraceRequest { TraceId = traceId }, call);
            return PeerWire.FromWire(peer, spans);
        }, cancellationToken);
        instruments.TraceQueried(peer, reply.Status);
        return reply;
    }

    public async Task<PeerReply<ClusterGraph>> GraphAsync(string peer, CancellationToken cancellationToken) =>
        Counted(peer, "graph", await CallAsync(peer, async (client, call) =>
            PeerWire.FromWire(await client.GetGraphAsync(new GetGraphRequest { FromCluster = _options.ClusterName }, call)), cancellationToken));

    /// <summary>Tells <paramref name="peer"/> that this cluster's summary changed, so that it pulls now.</summary>
    public async Task<PeerReply<SummaryChangedReply>> ChangedAsync(string peer, CancellationToken cancellationToken) =>
        Counted(peer, "changed", await CallAsync(peer, async (client, call) =>
            await client.SummaryChangedAsync(new SummaryChangedRequest { FromCluster = _options.ClusterName }, call), cancellationToken));

    private PeerReply<T> Counted<T>(string peer, string call, PeerReply<T> reply)
        where T : class
    {
        instruments.Called(peer, call, reply.Status);
        return reply;
    }

    public async Task<PeerReply<RemoteServiceEvidence>> EvidenceAsync(
        string peer, string service, (DateTimeOffset From, DateTimeOffset To, DateTimeOffset BaselineFrom) range, CancellationToken cancellationToken) =>
        Counted(peer, "evidence", await CallAsync(peer, async (client, call) =>
        {
            var request = new GetEvidenceRequest
            {
                Service = service,
                FromUnixNano = UnixNanos(range.From),
                ToUnixNano = UnixNanos(range.To),
                BaselineFromUnixNano = UnixNanos(range.BaselineFrom),
                BaselineToUnixNano = UnixNanos(range.From),
                FromCluster = _options.ClusterName,
            };
            return PeerWire.FromWire(await client.GetEvidenceAsync(request, call));
        }, cancellationToken));

    private static ulong UnixNanos(DateTimeOffset time) => (ulong)Math.Max(0, OtlpGrains.Models.Statistics.UnixNanos.FromDateTimeOffset(time));

    private async Task<PeerReply<T>> CallAsync<T>(string peer, Func<OtlpGrains.Federation.V1.Federation.FederationClient, CallOptions, Task<T>> call, CancellationToken cancellationToken)
        where T : class
    {
        var settings = _options.Peers.First(p => p.Name == peer);
        var headers = new Metadata();
        if (settings.ApiKey.Length > 0)
        {
            headers.Add("authorization", "Bearer " + settings.ApiKey);
        }

        var client = new OtlpGrains.Federation.V1.Federation.FederationClient(channels.Of(peer));
        var deadline = time.GetUtcNow().UtcDateTime + _options.PeerTimeout;
        try
        {
            return PeerReply<T>.Answered(await call(client, new CallOptions(headers, deadline, cancellationToken)));
        }
        catch (RpcException exception)
        {
            // A deadline carries no message of its own: say which deadline it was.
            var detail = exception.StatusCode == StatusCode.DeadlineExceeded
                ? string.Create(CultureInfo.InvariantCulture, $"DeadlineExceeded: no answer within {_options.PeerTimeoutSeconds} s")
                : StatusOf(exception, Tls(settings)) == ClusterStatus.Refused && exception.StatusCode == StatusCode.Unavailable
                    ? $"the TLS connection was refused (a certificate the peer or we do not accept?): {Cause(exception)}"
                    : $"{exception.StatusCode}: {Cause(exception)}";
            return new PeerReply<T>(null, StatusOf(exception, Tls(settings)), OneLine.Of(detail));
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or InvalidOperationException or FormatException)
        {
            return new PeerReply<T>(null, ClusterStatus.Error, OneLine.Of($"{exception.GetType().Name}: {exception.Message}"));
        }
    }

    internal static ClusterStatus StatusOf(RpcException exception, bool tls) => exception.StatusCode switch
    {
        StatusCode.DeadlineExceeded => ClusterStatus.Timeout,
        StatusCode.Unauthenticated or StatusCode.PermissionDenied => ClusterStatus.Refused,
        StatusCode.Unavailable when tls && CertificateRefused(exception) => ClusterStatus.Refused,
        StatusCode.Unavailable => ClusterStatus.Unavailable,
        _ => ClusterStatus.Error,
    };

    private static bool Tls(FederationPeerOptions peer) => peer.Endpoint.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A TLS exchange that failed on certificates surfaces as UNAVAILABLE: our side refusing the peer's certificate
    /// fails the handshake (an AuthenticationException, SecureConnectionError); the peer refusing ours under TLS 1.3
    /// shows only after the handshake, as a connection closed before HTTP/2 began (InvalidResponse).
    /// </summary>
    private static bool CertificateRefused(RpcException exception)
    {
        for (var current = exception.Status.DebugException; current is not null; current = current.InnerException)
        {
            if (current is AuthenticationException
                || current is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError or HttpRequestError.InvalidResponse })
            {
                return true;
            }
        }

        return false;
    }

    private static string Cause(RpcException exception) =>
        exception.Status.DebugException is { } inner ? $"{exception.Status.Detail} ({Innermost(exception)?.Message ?? inner.Message})" : exception.Status.Detail;

    private static Exception? Innermost(RpcException exception)
    {
        var current = exception.Status.DebugException;
        while (current?.InnerException is { } next)
        {
            current = next;
        }

        return current;
    }
}

using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// An OTLP sender that behaves like a real one under failures: a request that was not acknowledged is sent again,
/// byte for byte, to the next silo, until it is; only acknowledged requests are expected to count. Each request
/// carries two root SERVER spans (and their INTERNAL children) for each of <see cref="Services"/>.
/// </summary>
internal sealed class FailoverLoad : IDisposable
{
    private const int TracesPerService = 2;
    private readonly (GrpcChannel Channel, TraceService.TraceServiceClient Client)[] _targets;
    private readonly ConcurrentDictionary<string, long> _expected = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<DateTime> _acknowledgedAt = new();
    private long _retries;
    private long _longestOutageTicks;

    public FailoverLoad(string prefix, int services, IEnumerable<int> grpcPorts)
    {
        Services = [.. Enumerable.Range(0, services).Select(i => $"{prefix}-svc-{i:D2}")];
        _targets = [.. grpcPorts.Select(port =>
        {
            var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
            return (channel, new TraceService.TraceServiceClient(channel));
        })];
    }

    public string[] Services { get; }

    public IReadOnlyDictionary<string, long> Expected => _expected;

    public long Retries => Interlocked.Read(ref _retries);

    public int Acknowledged => _acknowledgedAt.Count;

    /// <summary>The longest time a request waited from its first refusal to its acknowledgement.</summary>
    public TimeSpan LongestOutage => TimeSpan.FromTicks(Interlocked.Read(ref _longestOutageTicks));

    public DateTime? FirstAcknowledgedAfter(DateTime time) =>
        _acknowledgedAt.Where(t => t > time).Order().Cast<DateTime?>().FirstOrDefault();

    /// <summary>Sends until <paramref name="stop"/> is cancelled, then finishes the requests in flight.</summary>
    public Task RunAsync(int streams, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, streams).Select(stream => Task.Run(async () =>
        {
            var attempt = stream;
            while (!stop.IsCancellationRequested)
            {
                attempt = await SendUntilAcknowledgedAsync(Build(), attempt);
            }
        })));

    public void Dispose()
    {
        foreach (var (channel, _) in _targets)
        {
            channel.Dispose();
        }
    }

    private async Task<int> SendUntilAcknowledgedAsync(ExportTraceServiceRequest request, int attempt)
    {
        var giveUp = DateTime.UtcNow.AddMinutes(2);
        DateTime? firstRefusal = null;
        while (true)
        {
            var (_, client) = _targets[attempt % _targets.Length];
            try
            {
                var response = await client.ExportAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
                if (response.PartialSuccess is { RejectedSpans: > 0 })
                {
                    throw new InvalidOperationException($"spans rejected: {response.PartialSuccess.ErrorMessage}");
                }

                foreach (var service in Services)
                {
                    _expected.AddOrUpdate(service, TracesPerService, (_, count) => count + TracesPerService);
                }

                var now = DateTime.UtcNow;
                _acknowledgedAt.Enqueue(now);
                if (firstRefusal is { } refused)
                {
                    var outage = (now - refused).Ticks;
                    long seen;
                    while (outage > (seen = Interlocked.Read(ref _longestOutageTicks))
                        && Interlocked.CompareExchange(ref _longestOutageTicks, outage, seen) != seen)
                    {
                    }
                }

                return attempt;
            }
            catch (RpcException exception) when (exception.StatusCode != StatusCode.InvalidArgument && DateTime.UtcNow < giveUp)
            {
                // Not acknowledged: the same bytes go to the next silo, as an OTLP exporter's retry would.
                Interlocked.Increment(ref _retries);
                firstRefusal ??= DateTime.UtcNow;
                attempt++;
                await Task.Delay(100);
            }
        }
    }

    private ExportTraceServiceRequest Build()
    {
        var request = new ExportTraceServiceRequest();
        var end = (ulong)(DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        foreach (var service in Services)
        {
            var resource = new Resource();
            resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = service } });
            var scope = new ScopeSpans();
            for (var t = 0; t < TracesPerService; t++)
            {
                var traceId = ByteString.CopyFrom(RandomBytes(16));
                var rootId = ByteString.CopyFrom(RandomBytes(8));
                scope.Spans.Add(new Span
                {
                    TraceId = traceId,
                    SpanId = rootId,
                    Name = "GET /",
                    Kind = Span.Types.SpanKind.Server,
                    StartTimeUnixNano = end - 5_000_000,
                    EndTimeUnixNano = end,
                });
                scope.Spans.Add(new Span
                {
                    TraceId = traceId,
                    SpanId = ByteString.CopyFrom(RandomBytes(8)),
                    ParentSpanId = rootId,
                    Name = "work",
                    Kind = Span.Types.SpanKind.Internal,
                    StartTimeUnixNano = end - 4_000_000,
                    EndTimeUnixNano = end - 1_000_000,
                });
            }

            var resourceSpans = new ResourceSpans { Resource = resource };
            resourceSpans.ScopeSpans.Add(scope);
            request.ResourceSpans.Add(resourceSpans);
        }

        return request;
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        bytes[0] |= 1;
        return bytes;
    }
}

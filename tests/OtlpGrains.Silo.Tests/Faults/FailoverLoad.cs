using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace OtlpGrains.Silo.Tests.Faults;

/// <summary>
/// An OTLP sender that behaves like a real one under failures: a request that was not acknowledged is sent again,
/// byte for byte, to the next silo, until it is; only acknowledged requests are expected to count. Each request
/// carries two root SERVER spans (and their INTERNAL children) for each of <see cref="Services"/>. The silos it sends
/// to can change while it runs (<see cref="SetTargets"/>), as a Kubernetes Service's endpoints do.
/// </summary>
internal sealed class FailoverLoad : IDisposable
{
    private const int TracesPerService = 2;
    private readonly ConcurrentDictionary<Uri, (GrpcChannel Channel, TraceService.TraceServiceClient Client)> _channels = new();
    private readonly ConcurrentDictionary<string, long> _expected = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<DateTime> _acknowledgedAt = new();
    private readonly ConcurrentQueue<DateTime> _refusedAt = new();
    private readonly ConcurrentDictionary<StatusCode, int> _refusalCodes = new();
    private volatile Uri[] _targets = [];
    private long _retries;
    private long _longestWaitTicks;

    public FailoverLoad(string prefix, int services, IEnumerable<Uri> targets)
    {
        Services = [.. Enumerable.Range(0, services).Select(i => $"{prefix}-svc-{i:D2}")];
        SetTargets(targets);
    }

    public string[] Services { get; }

    public IReadOnlyDictionary<string, long> Expected => _expected;

    public long Retries => Interlocked.Read(ref _retries);

    public int Acknowledged => _acknowledgedAt.Count;

    /// <summary>The longest a request waited, from its first send to its acknowledgement, retries included.</summary>
    public TimeSpan LongestWait => TimeSpan.FromTicks(Interlocked.Read(ref _longestWaitTicks));

    public DateTime? FirstAcknowledgedAfter(DateTime time) =>
        _acknowledgedAt.Where(t => t > time).Order().Cast<DateTime?>().FirstOrDefault();

    /// <summary>The first refusal (or failed call) at or after <paramref name="time"/>.</summary>
    public DateTime? FirstRefusedAfter(DateTime time) =>
        _refusedAt.Where(t => t >= time).Order().Cast<DateTime?>().FirstOrDefault();

    /// <summary>How many refusals (or failed calls) came with each gRPC status.</summary>
    public IReadOnlyDictionary<StatusCode, int> RefusalCodes => _refusalCodes;

    /// <summary>Acknowledgements received in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public int AcknowledgedBetween(DateTime from, DateTime to) => _acknowledgedAt.Count(t => t >= from && t < to);

    /// <summary>The OTLP/gRPC endpoints requests go to from now on (each request keeps trying until acknowledged).</summary>
    public void SetTargets(IEnumerable<Uri> targets)
    {
        Uri[] next = [.. targets];
        if (next.Length == 0)
        {
            throw new ArgumentException("at least one target", nameof(targets));
        }

        _targets = next;
    }

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
        foreach (var (channel, _) in _channels.Values)
        {
            channel.Dispose();
        }
    }

    private TraceService.TraceServiceClient Client(int attempt)
    {
        var targets = _targets;
        var target = targets[attempt % targets.Length];
        return _channels.GetOrAdd(target, uri =>
        {
            var channel = GrpcChannel.ForAddress(uri);
            return (channel, new TraceService.TraceServiceClient(channel));
        }).Client;
    }

    private async Task<int> SendUntilAcknowledgedAsync(ExportTraceServiceRequest request, int attempt)
    {
        var sent = DateTime.UtcNow;
        var giveUp = sent.AddMinutes(2);
        while (true)
        {
            var client = Client(attempt);
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
                var waited = (now - sent).Ticks;
                long seen;
                while (waited > (seen = Interlocked.Read(ref _longestWaitTicks))
                    && Interlocked.CompareExchange(ref _longestWaitTicks, waited, seen) != seen)
                {
                }

                return attempt;
            }
            catch (RpcException exception) when (exception.StatusCode != StatusCode.InvalidArgument && DateTime.UtcNow < giveUp)
            {
                // Not acknowledged: the same bytes go to the next silo, as an OTLP exporter's retry would.
                Interlocked.Increment(ref _retries);
                _refusedAt.Enqueue(DateTime.UtcNow);
                _refusalCodes.AddOrUpdate(exception.StatusCode, 1, (_, count) => count + 1);
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

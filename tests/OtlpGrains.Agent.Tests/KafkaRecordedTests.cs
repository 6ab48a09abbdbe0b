using System.Net;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Agent.Capture;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Protocols;
using OtlpGrains.Agent.Tracking;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// The Kafka parser on bytes a real librdkafka 2.16.0 client sent (and its recording broker answered), as the agent
/// would see them on the client's connection: Fixtures/Kafka/README.md says how they were recorded.
/// </summary>
public sealed class KafkaRecordedTests
{
    private static readonly IPEndPoint Broker = new(IPAddress.Loopback, 9092);
    private static readonly IPEndPoint Client = new(IPAddress.Loopback, 40000);

    public static TheoryData<int> ChunkSizes => [0, 7, 64];

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void ProducerConnectionGivesProduceSpansWithTheBrokersErrorCode(int chunkSize)
    {
        var exchanges = Replay("kafka-produce.hex", chunkSize, out var tracker);

        Assert.Equal(0, tracker.Unrecognised);
        Assert.Equal(
            [("produce", "orders", (short)0, false, null), ("produce", "audit", (short)0, true, "10")],
            exchanges.Select(e => (e.Operation, e.Topic, e.KafkaApiKey, e.IsError, e.ErrorCode)));
        Assert.All(exchanges, e => Assert.Equal(("otlpgrains-producer", "kafka", ConnectionRole.Client), (e.ClientId, e.MessagingSystem, e.Role)));

        var span = SpanMapper.ToSpan(exchanges[0], 0, "127.0.0.1", Broker.Port).ToProto();
        Assert.Equal(("produce orders", Span.Types.SpanKind.Producer), (span.Name, span.Kind));
        Assert.Equal(
            [("messaging.system", "kafka"), ("messaging.operation.name", "produce"), ("messaging.destination.name", "orders"), ("messaging.client.id", "otlpgrains-producer")],
            Messaging(span));
        Assert.Null(span.Status);

        var failed = SpanMapper.ToSpan(exchanges[1], 0, "127.0.0.1", Broker.Port).ToProto();
        Assert.Equal(("produce audit", Status.Types.StatusCode.Error, "10"), (failed.Name, failed.Status.Code, failed.Status.Message));
    }

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void ConsumerConnectionGivesAFetchSpan(int chunkSize)
    {
        var exchanges = Replay("kafka-fetch.hex", chunkSize, out var tracker);

        // The second fetch (offset 1) was still waiting for its answer when the consumer closed.
        var fetch = Assert.Single(exchanges);
        Assert.Equal(0, tracker.Unrecognised);
        Assert.Equal(("fetch", "orders", (short)1, false, "otlpgrains-consumer"), (fetch.Operation, fetch.Topic, fetch.KafkaApiKey, fetch.IsError, fetch.ClientId));
        Assert.Equal((Step * 4, Step * 5), (fetch.RequestStartNs, fetch.ResponseEndNs)); // connect, ApiVersions out and in, then the fetch

        var span = SpanMapper.ToSpan(fetch, 0, "127.0.0.1", Broker.Port).ToProto();
        Assert.Equal(("fetch orders", Span.Types.SpanKind.Consumer), (span.Name, span.Kind));
        Assert.Equal(
            [("messaging.system", "kafka"), ("messaging.operation.name", "fetch"), ("messaging.destination.name", "orders"), ("messaging.client.id", "otlpgrains-consumer")],
            Messaging(span));
    }

    private const long Step = 1_000_000;

    /// <summary>
    /// Feeds a recorded connection to a <see cref="ConnectionTracker"/> as the client's socket events: a connect, then
    /// each frame (or <paramref name="chunkSize"/>-byte pieces of it) at 1 ms steps, requests as writes and responses as reads.
    /// The first request stays whole: the sniffer names the protocol from the first write alone (librdkafka writes whole frames).
    /// </summary>
    private static List<ProtocolExchange> Replay(string fixture, int chunkSize, out ConnectionTracker tracker)
    {
        var exchanges = new List<ProtocolExchange>();
        tracker = new ConnectionTracker((_, exchange) => exchanges.Add(exchange));
        tracker.OnEvent(SocketEventKind.Connect, SocketDirection.Egress, 100, 7, Step, [], 0, Broker, Client);
        var time = Step;
        foreach (var line in File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Kafka", fixture)))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var direction = line[0] == 'C' ? SocketDirection.Egress : SocketDirection.Ingress;
            var frame = Convert.FromHexString(line[2..]);
            time += Step;
            var size = chunkSize == 0 || time == 2 * Step ? frame.Length : chunkSize;
            for (var at = 0; at < frame.Length; at += size)
            {
                var chunk = frame.AsSpan(at, Math.Min(size, frame.Length - at));
                tracker.OnEvent(SocketEventKind.Data, direction, 100, 7, time, chunk, chunk.Length, Broker, Client);
            }
        }

        return exchanges;
    }

    private static (string, string)[] Messaging(Span span) =>
        span.Attributes.Where(a => a.Key.StartsWith("messaging.", StringComparison.Ordinal)).Select(a => (a.Key, a.Value.StringValue)).ToArray();
}

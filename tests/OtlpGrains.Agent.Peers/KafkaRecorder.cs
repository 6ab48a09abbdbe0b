using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace OtlpGrains.Agent.Peers;

/// <summary>
/// Drives a real librdkafka client (Confluent.Kafka) against <see cref="KafkaRecordingBroker"/>: a producer sends one
/// message to <c>orders</c> and one to <c>audit</c> (refused with MESSAGE_TOO_LARGE), a consumer assigned to partition 0 fetches it back. The connections that carried a
/// Produce or a Fetch are written as hex fixtures, one line per frame: <c>C</c> (client to broker) or <c>B</c>, then hex.
/// </summary>
internal static class KafkaRecorder
{
    public static async Task<int> RunAsync(string outputDirectory)
    {
        await using var broker = new KafkaRecordingBroker();
        var bootstrap = $"127.0.0.1:{broker.Port}";
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            ClientId = "otlpgrains-producer",
            Acks = Acks.All,
            LingerMs = 0,
            MessageTimeoutMs = 15_000,
            EnableIdempotence = false,
        }).Build())
        {
            var result = await producer.ProduceAsync(KafkaRecordingBroker.Topic, new Message<string, string> { Key = "order-1", Value = "hello" });
            Console.WriteLine($"produced {result.TopicPartitionOffset}");
            try
            {
                await producer.ProduceAsync(KafkaRecordingBroker.RejectingTopic, new Message<string, string> { Key = "audit-1", Value = "rejected" });
            }
            catch (ProduceException<string, string> e)
            {
                Console.WriteLine($"produce to {KafkaRecordingBroker.RejectingTopic} failed: {e.Error.Code}");
            }
        }

        using (var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            ClientId = "otlpgrains-consumer",
            GroupId = "otlpgrains-recording",
            EnableAutoCommit = false,
            FetchWaitMaxMs = 100,
        }).Build())
        {
            consumer.Assign(new TopicPartitionOffset(KafkaRecordingBroker.Topic, 0, 0));
            var consumed = consumer.Consume(TimeSpan.FromSeconds(15));
            Console.WriteLine(consumed is null ? "consumed nothing" : $"consumed {consumed.Message.Key}={consumed.Message.Value}");
            consumer.Close();
        }

        Directory.CreateDirectory(outputDirectory);
        var version = Library.VersionString;
        foreach (var (name, apiKey) in new[] { ("kafka-produce.hex", (short)0), ("kafka-fetch.hex", (short)1) })
        {
            var connection = broker.Recordings.FirstOrDefault(r => r.Any(f => f.FromClient && ApiKey(f.Frame) == apiKey));
            if (connection is null)
            {
                Console.WriteLine($"no connection carried api key {apiKey}");
                continue;
            }

            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"# librdkafka {version} (Confluent.Kafka {typeof(Library).Assembly.GetName().Version}) against OtlpGrains.Agent.Peers kafka-record\n");
            foreach (var (fromClient, frame) in connection)
            {
                text.Append(fromClient ? "C " : "B ").Append(Convert.ToHexString(frame)).Append('\n');
            }

            await File.WriteAllTextAsync(Path.Combine(outputDirectory, name), text.ToString());
            Console.WriteLine($"wrote {name}: {connection.Count} frames");
        }

        return 0;
    }

    private static short ApiKey(byte[] frame) => (short)((frame[4] << 8) | frame[5]);
}

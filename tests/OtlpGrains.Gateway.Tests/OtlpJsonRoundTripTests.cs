using System.Buffers;
using System.Text;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OtlpGrains.Gateway.Otlp;
using Xunit;

namespace OtlpGrains.Gateway.Tests;

/// <summary>
/// Random requests of all three signals, written as OTLP JSON and transcoded back: the protobuf bytes must be
/// those Google.Protobuf writes for the original request, and parse to an equal message.
/// </summary>
public sealed class OtlpJsonRoundTripTests
{
    private const int Seeds = 40;

    // The other form the mapping allows: proto field names and enum names.
    private static readonly JsonFormatter ProtoNamesFormatter = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true));

    public static TheoryData<int> SeedsToTry() => [.. Enumerable.Range(1, Seeds)];

    [Theory]
    [MemberData(nameof(SeedsToTry))]
    public void RandomTraceRequestsComeBackExactly(int seed) =>
        AssertRoundTrips(new RandomOtlpMessages(seed).Next<ExportTraceServiceRequest>());

    [Theory]
    [MemberData(nameof(SeedsToTry))]
    public void RandomMetricRequestsComeBackExactly(int seed) =>
        AssertRoundTrips(new RandomOtlpMessages(seed).Next<ExportMetricsServiceRequest>());

    [Theory]
    [MemberData(nameof(SeedsToTry))]
    public void RandomLogRequestsComeBackExactly(int seed) =>
        AssertRoundTrips(new RandomOtlpMessages(seed).Next<ExportLogsServiceRequest>());

    [Fact]
    public void SamplesComeBackExactly()
    {
        AssertRoundTrips(OtlpSamples.Traces());
        AssertRoundTrips(OtlpSamples.Metrics());
        AssertRoundTrips(OtlpSamples.Logs());
    }

    [Fact]
    public void TheGeneratorReachesEveryFieldOfEveryRequest()
    {
        // Without this, a generator that left fields out would make the round trips above prove less than they say.
        var seen = new HashSet<string>();
        for (int seed = 1; seed <= Seeds; seed++)
        {
            var random = new RandomOtlpMessages(seed);
            Collect(random.Next<ExportTraceServiceRequest>(), seen);
            Collect(random.Next<ExportMetricsServiceRequest>(), seen);
            Collect(random.Next<ExportLogsServiceRequest>(), seen);
        }

        var all = new HashSet<string>();
        foreach (var descriptor in new[] { ExportTraceServiceRequest.Descriptor, ExportMetricsServiceRequest.Descriptor, ExportLogsServiceRequest.Descriptor })
        {
            AllFields(descriptor, all);
        }

        Assert.Empty(all.Except(seen).Order());
    }

    private static void AssertRoundTrips<T>(T original)
        where T : IMessage<T>, new()
    {
        byte[] canonical = original.ToByteArray();
        foreach (byte[] json in new[] { OtlpJson.Format(original), ProtoNamesJson(original) })
        {
            using var wire = new ProtobufWriter();
            byte[] transcoded = OtlpJson.ToProtobuf(json, original.Descriptor, wire).ToArray();

            T back = new MessageParser<T>(() => new T()).ParseFrom(transcoded);
            Assert.Equal(original, back);
            Assert.Equal(canonical, transcoded);
        }
    }

    private static byte[] ProtoNamesJson(IMessage message)
    {
        byte[] base64Ids = Encoding.UTF8.GetBytes(ProtoNamesFormatter.Format(message));
        var hexIds = new ArrayBufferWriter<byte>();
        OtlpIdTranscoder.Base64ToHex(base64Ids, hexIds);
        return hexIds.WrittenSpan.ToArray();
    }

    private static void Collect(IMessage message, HashSet<string> seen)
    {
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            object value = field.Accessor.GetValue(message);
            if (field.IsRepeated)
            {
                var list = (System.Collections.IList)value;
                if (list.Count > 0)
                {
                    seen.Add(field.FullName);
                }

                foreach (object element in list)
                {
                    if (element is IMessage child)
                    {
                        Collect(child, seen);
                    }
                }
            }
            else if (field.HasPresence ? field.Accessor.HasValue(message) : !IsDefault(value))
            {
                seen.Add(field.FullName);
                if (value is IMessage child)
                {
                    Collect(child, seen);
                }
            }
        }
    }

    private static bool IsDefault(object value) => value switch
    {
        string text => text.Length == 0,
        ByteString bytes => bytes.IsEmpty,
        bool flag => !flag,
        double number => number == 0,
        float number => number == 0,
        Enum e => Convert.ToInt64(e, System.Globalization.CultureInfo.InvariantCulture) == 0,
        _ => Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture) == 0,
    };

    private static void AllFields(Google.Protobuf.Reflection.MessageDescriptor descriptor, HashSet<string> all)
    {
        foreach (var field in descriptor.Fields.InDeclarationOrder())
        {
            if (all.Add(field.FullName) && field.FieldType == Google.Protobuf.Reflection.FieldType.Message)
            {
                AllFields(field.MessageType, all);
            }
        }
    }
}

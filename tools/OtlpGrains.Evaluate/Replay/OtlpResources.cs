using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>The OTLP pieces every replayed signal shares: the resource of a service's pod, and ids as bytes.</summary>
internal static class OtlpResources
{
    public static readonly InstrumentationScope Scope = new() { Name = "otlpgrains.replay" };

    /// <summary><c>service.name</c>, plus <c>k8s.pod.name</c> when the row names a pod.</summary>
    public static Resource Of(string service, string? pod)
    {
        var resource = new Resource();
        resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = service } });
        if (pod is not null)
        {
            resource.Attributes.Add(new KeyValue { Key = "k8s.pod.name", Value = new AnyValue { StringValue = pod } });
        }

        return resource;
    }

    /// <summary>A hex id as bytes; <paramref name="bytes"/> is its required length (16 for a trace, 8 for a span).</summary>
    public static ByteString Id(string hex, int bytes, string what)
    {
        if (hex.Length != bytes * 2)
        {
            throw new ReplayInputException($"{what} '{hex}' is not {bytes * 2} hex digits");
        }

        try
        {
            return ByteString.CopyFrom(Convert.FromHexString(hex));
        }
        catch (FormatException)
        {
            throw new ReplayInputException($"{what} '{hex}' is not hex");
        }
    }
}

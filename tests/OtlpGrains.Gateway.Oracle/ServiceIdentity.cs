using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;
using OtlpGrains.Gateway.Ingest;

namespace OtlpGrains.Gateway.Oracle;

// The gateway's code before the protobuf wire reader (#11), on Google.Protobuf's message tree: kept unchanged as
// the oracle that the reader's plans are compared with.
/// <summary>
/// Names the service of an OTLP resource: <c>service.namespace/service.name</c>, or <c>service.name</c> alone,
/// falling back to <c>k8s.deployment.name</c> and then to <c>unknown_service</c>.
/// </summary>
internal static class ServiceIdentity
{
    public const string Unknown = "unknown_service";

    public static string Of(RepeatedField<KeyValue>? attributes)
    {
        if (attributes is null)
        {
            return Unknown;
        }

        string? name = null, serviceNamespace = null, deployment = null;
        foreach (var attribute in attributes)
        {
            switch (attribute.Key)
            {
                case "service.name":
                    name = StringOf(attribute.Value);
                    break;
                case "service.namespace":
                    serviceNamespace = StringOf(attribute.Value);
                    break;
                case "k8s.deployment.name":
                    deployment = StringOf(attribute.Value);
                    break;
            }
        }

        name = string.IsNullOrEmpty(name) ? deployment : name;
        if (string.IsNullOrEmpty(name))
        {
            return Unknown;
        }

        return string.IsNullOrEmpty(serviceNamespace) ? name : serviceNamespace + "/" + name;
    }

    /// <summary>The resource's <c>service.namespace</c> (the last one, as <see cref="Of"/> reads it), or null.</summary>
    public static string? NamespaceOf(RepeatedField<KeyValue>? attributes)
    {
        string? serviceNamespace = null;
        foreach (var attribute in attributes ?? [])
        {
            if (attribute.Key == "service.namespace")
            {
                serviceNamespace = StringOf(attribute.Value);
            }
        }

        return string.IsNullOrEmpty(serviceNamespace) ? null : serviceNamespace;
    }

    private static string? StringOf(AnyValue? value) =>
        value?.ValueCase == AnyValue.ValueOneofCase.StringValue ? value.StringValue : null;
}

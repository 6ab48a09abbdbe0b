using Grpc.Core;

namespace OtlpGrains.Agent.Export;

/// <summary>
/// Export headers in the format of <c>OTEL_EXPORTER_OTLP_HEADERS</c>: <c>key1=value1,key2=value2</c>, whitespace
/// around keys and values ignored, values percent-decoded (the W3C Baggage encoding the OpenTelemetry specification
/// names). Keys become lowercase, as gRPC metadata requires.
/// </summary>
public static class OtlpHeaders
{
    /// <summary>The headers in <paramref name="text"/> as gRPC metadata (empty for null or blank).</summary>
    /// <exception cref="FormatException">An entry is not <c>key=value</c>; the message never repeats a value, which may be a secret.</exception>
    public static Metadata Parse(string? text)
    {
        var metadata = new Metadata();
        if (string.IsNullOrWhiteSpace(text))
        {
            return metadata;
        }

        var entries = text.Split(',');
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            if (string.IsNullOrWhiteSpace(entry))
            {
                continue;
            }

            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? string.Empty : Uri.UnescapeDataString(entry[..equals].Trim()).ToLowerInvariant();
            if (key.Length == 0)
            {
                throw new FormatException($"OTEL_EXPORTER_OTLP_HEADERS: entry {i + 1} is not key=value");
            }

            if (key.EndsWith(Metadata.BinaryHeaderSuffix, StringComparison.Ordinal) || !key.All(IsTokenCharacter))
            {
                throw new FormatException($"OTEL_EXPORTER_OTLP_HEADERS: entry {i + 1} has a key that cannot be a gRPC header: '{key}'");
            }

            metadata.Add(key, Uri.UnescapeDataString(entry[(equals + 1)..].Trim()));
        }

        return metadata;
    }

    // gRPC's ASCII header names: lowercase letters, digits and - _ .
    private static bool IsTokenCharacter(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.';
}

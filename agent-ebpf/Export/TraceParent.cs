using System.Globalization;
using Google.Protobuf;

namespace OtlpGrains.Agent.Export;

/// <summary>Reads a W3C <c>traceparent</c> header: <c>00-{32 hex trace id}-{16 hex parent id}-{2 hex flags}</c>.</summary>
public static class TraceParent
{
    public static bool TryParse(string? header, out ByteString traceId, out ByteString parentId)
    {
        traceId = parentId = ByteString.Empty;
        if (header is null || header.Length < 55 || header[2] != '-' || header[35] != '-' || header[52] != '-')
        {
            return false;
        }

        if (!byte.TryParse(header.AsSpan(0, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var version) || version == 0xff)
        {
            return false;
        }

        try
        {
            var trace = Convert.FromHexString(header.AsSpan(3, 32));
            var parent = Convert.FromHexString(header.AsSpan(36, 16));
            if (trace.All(b => b == 0) || parent.All(b => b == 0))
            {
                return false;
            }

            traceId = ByteString.CopyFrom(trace);
            parentId = ByteString.CopyFrom(parent);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

using System.Globalization;

namespace OtlpGrains.Agent.Export;

/// <summary>Reads a W3C <c>traceparent</c> header: <c>00-{32 hex trace id}-{16 hex parent id}-{2 hex flags}</c>.</summary>
public static class TraceParent
{
    /// <param name="header">The header's value.</param>
    /// <param name="traceId">The trace id as a big-endian number (its hex is the header's).</param>
    /// <param name="parentId">The parent span id, likewise.</param>
    public static bool TryParse(string? header, out UInt128 traceId, out ulong parentId)
    {
        traceId = 0;
        parentId = 0;
        if (header is null || header.Length < 55 || header[2] != '-' || header[35] != '-' || header[52] != '-')
        {
            return false;
        }

        if (!byte.TryParse(header.AsSpan(0, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var version) || version == 0xff)
        {
            return false;
        }

        // All-zero ids are invalid; so is anything but hex digits (AllowHexSpecifier takes no sign or spaces).
        return UInt128.TryParse(header.AsSpan(3, 32), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out traceId)
            && ulong.TryParse(header.AsSpan(36, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out parentId)
            && traceId != 0 && parentId != 0;
    }
}

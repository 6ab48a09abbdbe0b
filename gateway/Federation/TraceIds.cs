using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Federation;

/// <summary>The one check of a trace id the API and the federation service share: <see cref="TraceKey"/>'s, and not all zero.</summary>
internal static class TraceIds
{
    public const string Problem = "trace id must be 32 hex characters and not all zero";

    public static bool IsValid(string? id) => TraceKey.TryParse(id, out TraceKey key) && key != default;
}

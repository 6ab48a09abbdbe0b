namespace OtlpGrains.Models.Services;

/// <summary>An outgoing edge of a service with its call totals since first seen; its name is in the callee table.</summary>
[GenerateSerializer, Alias("otlpgrains.KnownEdge")]
internal sealed class KnownEdge
{
    public KnownEdge(bool isVirtual) => Virtual = isVirtual;

    /// <summary>From the latest call: a peer that starts sending its own spans stops being virtual.</summary>
    [Id(1)]
    public bool Virtual { get; set; }

    [Id(2)]
    public long Calls { get; set; }

    [Id(3)]
    public long Errors { get; set; }
}

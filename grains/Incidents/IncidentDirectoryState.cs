using OtlpGrains.Models.Incidents;

namespace OtlpGrains.Grains.Incidents;

/// <summary>What the incident directory persists: its incidents.</summary>
[GenerateSerializer, Alias("otlpgrains.IncidentDirectoryState")]
public sealed class IncidentDirectoryState
{
    [Id(0)] public IncidentBook Book { get; set; } = new();
}

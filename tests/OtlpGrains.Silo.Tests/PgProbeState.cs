using Xunit;

namespace OtlpGrains.Silo.Tests;

[GenerateSerializer]
public sealed class PgProbeState
{
    [Id(0)]
    public int Value { get; set; }
}

using Xunit;

namespace OtlpGrains.Silo.Tests;

[GenerateSerializer, Immutable]
public sealed record PgProbeReading([property: Id(0)] int Value, [property: Id(1)] string ActivationId, [property: Id(2)] string? ETag);

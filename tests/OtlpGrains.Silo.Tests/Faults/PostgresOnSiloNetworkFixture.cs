using OtlpGrains.TestSupport;

namespace OtlpGrains.Silo.Tests.Faults;

/// <summary>A PostgreSQL server that also takes connections from the silos' network namespaces (<see cref="SiloNetwork"/>).</summary>
public sealed class PostgresOnSiloNetworkFixture : PostgresFixture
{
    protected override IReadOnlyList<string> TrustedNetworks => [SiloNetwork.Networks];
}

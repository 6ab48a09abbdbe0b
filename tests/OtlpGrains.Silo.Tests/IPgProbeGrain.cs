using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>A test grain that exercises the ADO.NET grain storage and reminder providers against PostgreSQL.</summary>
public interface IPgProbeGrain : IGrainWithStringKey
{
    /// <summary>Adds one to the persisted counter, writes it, and returns the new value.</summary>
    Task<int> Increment();

    /// <summary>The persisted counter and the id of the activation that answered.</summary>
    Task<PgProbeReading> Read();

    Task Deactivate();

    Task StartTicking(TimeSpan period);

    Task StopTicking();
}

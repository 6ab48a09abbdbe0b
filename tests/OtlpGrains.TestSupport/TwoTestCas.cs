using Xunit;

namespace OtlpGrains.TestSupport;

/// <summary>
/// A class fixture of two throwaway CAs: <see cref="Trusted"/>, the one the peers under test trust, and
/// <see cref="Other"/>, whose certificates they must refuse.
/// </summary>
public sealed class TwoTestCas : IAsyncLifetime
{
    public OpensslTestCa Trusted { get; private set; } = null!;

    public OpensslTestCa Other { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Trusted = await OpensslTestCa.CreateTemporaryAsync("otlpgrains-test");
        Other = await OpensslTestCa.CreateTemporaryAsync("some-other");
    }

    public Task DisposeAsync()
    {
        Trusted.Dispose();
        Other.Dispose();
        return Task.CompletedTask;
    }
}

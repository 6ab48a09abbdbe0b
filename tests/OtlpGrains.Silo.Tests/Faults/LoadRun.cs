namespace OtlpGrains.Silo.Tests.Faults;

/// <summary>A <see cref="FailoverLoad"/> sending to a <see cref="FaultCluster"/> until <see cref="FinishAsync"/>.</summary>
internal sealed class LoadRun : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sending;

    private LoadRun(FailoverLoad load)
    {
        Load = load;
        _sending = load.RunAsync(Streams, _stop.Token);
    }

    /// <summary>Concurrent senders, each with one request in flight.</summary>
    public const int Streams = 4;

    public FailoverLoad Load { get; }

    public static LoadRun Start(FaultCluster cluster) =>
        new(new FailoverLoad("f" + Guid.NewGuid().ToString("N")[..6], services: 6, cluster.Endpoints));

    /// <summary>Stops sending and waits for the requests in flight to be acknowledged (or to fail for good, which throws).</summary>
    public async Task FinishAsync()
    {
        await _stop.CancelAsync();
        await _sending;
    }

    public void Dispose()
    {
        _stop.Cancel();
        Load.Dispose();
        _stop.Dispose();
    }
}

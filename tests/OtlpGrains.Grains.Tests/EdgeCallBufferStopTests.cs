using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OtlpGrains.Grains.Traces;
using OtlpGrains.Interfaces;
using Xunit;

namespace OtlpGrains.Grains.Tests;

/// <summary>
/// The edge-call buffer of a silo that stops with no peer: it holds what it gathers while the grains deactivate, then
/// counts it as dropped, and drops what comes after. None of it may try a grain call, which could not be placed: the
/// buffer gets no grain factory, so a call would throw.
/// </summary>
public sealed class EdgeCallBufferStopTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    [Fact]
    public async Task HeldCallsAreCountedAsDroppedWhenNoPeerTakesThem()
    {
        var meters = _services.GetRequiredService<IMeterFactory>();
        using var dropped = new MetricCollector<long>(meters, GrainInstruments.MeterName, "dropped_edge_calls_total");
        var buffer = new EdgeCallBuffer(null!, new GrainInstruments(meters), new FakeTimeProvider(), NullLogger<EdgeCallBuffer>.Instance);

        buffer.Hold();
        buffer.Add([("checkout", Call("cart")), ("checkout", Call("redis")), ("cart", Call("redis"))]);
        await buffer.FlushAsync();

        var handOver = await buffer.CloseAsync(peersActive: false);
        Assert.Equal(new EdgeCallHandOver(Sent: 0, Dropped: 3, Failure: null), handOver);

        buffer.Add([("checkout", Call("cart"))]);
        await buffer.FlushAsync();
        Assert.Equal(4, buffer.Dropped);
        Assert.Equal(0, buffer.Sent);
        Assert.Equal(4, dropped.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(new EdgeCallHandOver(0, 0, null), await buffer.CloseAsync(peersActive: false));
    }

    public void Dispose() => _services.Dispose();

    private static EdgeCall Call(string callee) => new(callee, true, 1_700_000_000_000_000_000, 1_000_000, false);
}

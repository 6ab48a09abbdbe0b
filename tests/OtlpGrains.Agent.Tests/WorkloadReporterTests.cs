using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Processes;
using OtlpGrains.Agent.Workloads;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>How the workload reporter behaves towards a gateway that does not serve reports, or is not there.</summary>
public sealed class WorkloadReporterTests
{
    private static readonly ProcessSnapshot NoProcesses = new([], 0);

    [Fact]
    public async Task AGatewayWithoutTheDirectoryIsLoggedOnceAndNotCountedAsFailure()
    {
        var port = LocalSilo.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        await using var gateway = builder.Build();
        gateway.UseRouting();
        await gateway.StartAsync();

        var log = new ConcurrentQueue<string>();
        await using var reporter = new WorkloadReporter(new OtlpExportOptions { Endpoint = new Uri($"http://127.0.0.1:{port}") }, "node-a",
            () => NoProcesses, TimeSpan.FromHours(1), log.Enqueue);
        for (int i = 0; i < 3; i++)
        {
            Assert.False(await reporter.ReportAsync());
        }

        Assert.True(reporter.Unimplemented >= 3);
        Assert.Equal((0L, 0L), (reporter.Reports, reporter.Failed));
        Assert.Single(log, line => line.Contains("does not serve workload reports", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AReportThatFailsIsCountedAndTriedAgainLater()
    {
        var log = new ConcurrentQueue<string>();
        await using var reporter = new WorkloadReporter(new OtlpExportOptions { Endpoint = new Uri($"http://127.0.0.1:{LocalSilo.FreePort()}") }, "node-a",
            () => NoProcesses, TimeSpan.FromHours(1), log.Enqueue);
        Assert.False(await reporter.ReportAsync());
        Assert.True(reporter.Failed >= 1);
        Assert.Equal(0, reporter.Reports);
        Assert.Contains(log, line => line.Contains("workload report failed (Unavailable", StringComparison.Ordinal) && line.Contains("retrying in 3600 s", StringComparison.Ordinal));
        Assert.Equal("node-a", reporter.LastReport?.NodeId);
    }
}

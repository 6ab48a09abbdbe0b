using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Processes;
using OtlpGrains.Agent.Protocols;
using OtlpGrains.Hosting;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// The agent's exporter against an OTLP/gRPC server over TLS (Kestrel with a certificate from an openssl test CA): the
/// headers arrive with every export, the server's certificate is checked against the configured CA (or the system's
/// trust store), and a server that requires a client certificate gets one.
/// </summary>
public sealed class OtlpExportTlsTests(TwoTestCas cas) : IClassFixture<TwoTestCas>
{
    private const int Spans = 3;
    private OpensslTestCa _gatewayCa => cas.Trusted;

    private OpensslTestCa _otherCa => cas.Other;

    [Fact]
    public async Task SpansAndTheKeyArriveOverTlsWithTheConfiguredCa()
    {
        await using var server = await RecordingServer.StartAsync(await _gatewayCa.IssueAsync("gateway", "serverAuth"));

        var exporter = await ExportAsync(new OtlpExportOptions
        {
            Endpoint = server.Endpoint,
            CertificatePath = _gatewayCa.CertificatePath,
            Headers = "authorization=Bearer%20otlpgrains-test-key,x-tenant=shop",
        });

        Assert.Equal(Spans, exporter.Exported);
        Assert.Equal(0, exporter.Failed);
        Assert.NotEmpty(server.Calls);
        Assert.All(server.Calls, call =>
        {
            Assert.Equal("Bearer otlpgrains-test-key", call.Authorization);
            Assert.Equal("shop", call.Tenant);
            Assert.Null(call.ClientCertificate);
        });
        Assert.Equal(Spans, server.Calls.Sum(c => c.Spans));
    }

    [Fact]
    public async Task ServerWithACertificateFromAnotherCaIsRefused()
    {
        await using var server = await RecordingServer.StartAsync(await _otherCa.IssueAsync("impostor", "serverAuth"));

        var exporter = await ExportAsync(new OtlpExportOptions { Endpoint = server.Endpoint, CertificatePath = _gatewayCa.CertificatePath, Headers = "authorization=Bearer secret" });

        Assert.Equal(0, exporter.Exported);
        Assert.Equal(Spans, exporter.Failed);
        Assert.Empty(server.Calls);
    }

    [Fact]
    public async Task WithoutAConfiguredCaTheSystemTrustDecidesAndRefusesATestCa()
    {
        await using var server = await RecordingServer.StartAsync(await _gatewayCa.IssueAsync("gateway", "serverAuth"));

        var exporter = await ExportAsync(new OtlpExportOptions { Endpoint = server.Endpoint, CertificatePath = null });

        Assert.Equal(0, exporter.Exported);
        Assert.Equal(Spans, exporter.Failed);
        Assert.Empty(server.Calls);
    }

    [Fact]
    public async Task ServerThatRequiresAClientCertificateGetsOne()
    {
        var client = await _gatewayCa.IssueAsync("agent-node-1", "clientAuth");
        await using var server = await RecordingServer.StartAsync(await _gatewayCa.IssueAsync("gateway", "serverAuth"), requireClientCertificate: true);

        var exporter = await ExportAsync(new OtlpExportOptions
        {
            Endpoint = server.Endpoint,
            CertificatePath = _gatewayCa.CertificatePath,
            ClientCertificatePath = client.CertificatePath,
            ClientKeyPath = client.KeyPath,
        });

        Assert.Equal(Spans, exporter.Exported);
        Assert.NotEmpty(server.Calls);
        Assert.All(server.Calls, call => Assert.Equal("CN=agent-node-1", call.ClientCertificate));
    }

    [Fact]
    public void UnusableSettingsAreNamedInOneLine()
    {
        var missing = Path.Combine(_gatewayCa.Folder, "missing.pem");

        var noCa = Assert.Throws<FormatException>(() => ExportChannel.Open(new OtlpExportOptions { CertificatePath = missing }));
        var halfClient = Assert.Throws<FormatException>(() => ExportChannel.Open(new OtlpExportOptions { ClientCertificatePath = _gatewayCa.CertificatePath, ClientKeyPath = null }));

        Assert.StartsWith($"OTEL_EXPORTER_OTLP_CERTIFICATE {missing} cannot be used:", noCa.Message, StringComparison.Ordinal);
        Assert.Equal("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and OTEL_EXPORTER_OTLP_CLIENT_KEY go together: set both or neither", halfClient.Message);
    }

    private static async Task<OtlpSpanExporter> ExportAsync(OtlpExportOptions options)
    {
        options.FlushInterval = TimeSpan.FromMilliseconds(50);
        var exporter = new OtlpSpanExporter(options);
        await using (exporter)
        {
            var process = new ProcessIdentity(4242, "tls-shop", "shop", "shop", null, null);
            for (var i = 0; i < Spans; i++)
            {
                Assert.True(exporter.Enqueue(process, SpanMapper.ToSpan(new ProtocolExchange
                {
                    Kind = ProtocolKind.Http1,
                    Role = ConnectionRole.Server,
                    RequestStartNs = i * 1_000_000L,
                    ResponseEndNs = (i * 1_000_000L) + 500_000,
                    Method = "GET",
                    Path = "/items",
                    StatusCode = 200,
                }, 0)));
            }
        }

        return exporter;
    }

    /// <summary>What one export call brought: its headers, its client certificate's subject and its span count.</summary>
    private sealed record ExportCall(string? Authorization, string? Tenant, string? ClientCertificate, int Spans);

    /// <summary>A Kestrel OTLP/gRPC trace receiver over TLS that records each call.</summary>
    private sealed class RecordingServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private RecordingServer(WebApplication app, Uri endpoint, ConcurrentQueue<ExportCall> calls)
        {
            _app = app;
            Endpoint = endpoint;
            Calls = calls;
        }

        public Uri Endpoint { get; }

        public ConcurrentQueue<ExportCall> Calls { get; }

        public static async Task<RecordingServer> StartAsync(IssuedCertificate certificate, bool requireClientCertificate = false)
        {
            var port = LoopbackPorts.Take(1)[0];
            var calls = new ConcurrentQueue<ExportCall>();
            using var pem = X509Certificate2.CreateFromPemFile(certificate.CertificatePath, certificate.KeyPath);
            var serverCertificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = serverCertificate;
                    if (requireClientCertificate)
                    {
                        // Any client certificate is accepted here: the test checks that one is sent, not a CA policy.
                        https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                        https.ClientCertificateValidation = (_, _, _) => true;
                    }
                });
            }));
            builder.Services.AddGrpc();
            builder.Services.AddSingleton(calls);
            var app = builder.Build();
            app.MapGrpcService<RecordingTraceService>();
            await app.StartAsync();
            return new RecordingServer(app, new Uri($"https://127.0.0.1:{port}"), calls);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private sealed class RecordingTraceService(ConcurrentQueue<ExportCall> calls) : TraceService.TraceServiceBase
    {
        public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
        {
            calls.Enqueue(new ExportCall(
                context.RequestHeaders.GetValue("authorization"),
                context.RequestHeaders.GetValue("x-tenant"),
                context.GetHttpContext().Connection.ClientCertificate?.Subject,
                request.ResourceSpans.Sum(r => r.ScopeSpans.Sum(s => s.Spans.Count))));
            return Task.FromResult(new ExportTraceServiceResponse());
        }
    }
}

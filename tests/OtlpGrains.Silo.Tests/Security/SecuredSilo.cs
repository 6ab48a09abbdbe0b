using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Hosting;
using Xunit;

namespace OtlpGrains.Silo.Tests.Security;

/// <summary>
/// A real silo on loopback ports with API keys configured by settings as hashes: one key per role, a key with every
/// role, and two ingest keys for rotation. Its clients present a key as the OTel exporters do.
/// </summary>
public sealed class SecuredSilo : IAsyncLifetime
{
    /// <summary>Each key's secret by name; settings hold only their SHA-256.</summary>
    public static readonly IReadOnlyDictionary<string, string> Secrets = new Dictionary<string, string>
    {
        ["collector"] = Secret(),
        ["reader"] = Secret(),
        ["operator"] = Secret(),
        ["everything"] = Secret(),
        ["collector-next"] = Secret(),
    };

    private static readonly (string Name, string[] Roles)[] KeyRoles =
    [
        ("collector", ["ingest"]),
        ("reader", ["read"]),
        ("operator", ["admin"]),
        ("everything", ["ingest", "read", "admin"]),
        ("collector-next", ["ingest"]),
    ];

    private readonly string[] _extraArgs;

    public SecuredSilo()
        : this([])
    {
    }

    internal SecuredSilo(string[] extraArgs) => _extraArgs = extraArgs;

    public int GrpcPort { get; private set; }

    public int HttpPort { get; private set; }

    public int ApiPort { get; private set; }

    public WebApplication App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var ports = LoopbackPorts.Take(5);
        (GrpcPort, HttpPort, ApiPort) = (ports[0], ports[1], ports[2]);
        App = SiloApplication.Build(
        [
            .. LoopbackPorts.SiloArguments(ports, "auth-" + Guid.NewGuid().ToString("N")[..8]),
            .. KeySettings(),
            "--Logging:LogLevel:Default=Warning",
            .. _extraArgs,
        ]);
        await App.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }

    /// <summary>The settings of every key, as <c>--OtlpGrains:Security:Keys:N:...</c> arguments.</summary>
    public static IEnumerable<string> KeySettings()
    {
        for (var i = 0; i < KeyRoles.Length; i++)
        {
            var (name, roles) = KeyRoles[i];
            yield return $"--OtlpGrains:Security:Keys:{i}:Name={name}";
            yield return $"--OtlpGrains:Security:Keys:{i}:Hash={Hash(Secrets[name])}";
            for (var r = 0; r < roles.Length; r++)
            {
                yield return $"--OtlpGrains:Security:Keys:{i}:Roles:{r}={roles[r]}";
            }
        }
    }

    /// <summary>The lowercase hex SHA-256, as <c>printf %s "$KEY" | sha256sum</c> prints it.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>A fresh random key, as <c>openssl rand -hex 32</c> makes one.</summary>
    public static string Secret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>An HTTP client of the API (or <paramref name="port"/>) that sends <paramref name="secret"/> as a bearer key, when given.</summary>
    public HttpClient Client(string? secret, int? port = null)
    {
        // No redirects: HttpClient drops the authorization header when it follows one.
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port ?? ApiPort}") };
        if (secret is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }

        return client;
    }

    /// <summary>Exports one span of <paramref name="service"/> over OTLP/gRPC with the key as metadata.</summary>
    public async Task<ExportTraceServiceResponse> ExportGrpcAsync(string? secret, string service)
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}");
        var client = new TraceService.TraceServiceClient(channel);
        var headers = new Metadata();
        if (secret is not null)
        {
            headers.Add("authorization", $"Bearer {secret}");
        }

        return await client.ExportAsync(OneSpanRequests.Request(service), headers);
    }

    /// <summary>Exports one span of <paramref name="service"/> over OTLP/HTTP protobuf with the key as a header.</summary>
    public async Task<HttpResponseMessage> ExportHttpAsync(string? secret, string service)
    {
        using var client = Client(secret, HttpPort);
        using var body = new ByteArrayContent(OneSpanRequests.Request(service).ToByteArray());
        body.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return await client.PostAsync("/v1/traces", body);
    }

    /// <summary>Spans counted for <paramref name="service"/>, read with a key that may read; 0 when it is not listed.</summary>
    public async Task<long> SpansAsync(string service)
    {
        using var reader = Client(Secrets["reader"]);
        var doc = await reader.GetFromJsonAsync<JsonElement>("/api/v1/services");
        foreach (var entry in doc.GetProperty("services").EnumerateArray())
        {
            if (entry.GetProperty("name").GetString() == service)
            {
                return entry.GetProperty("spans").GetInt64();
            }
        }

        return 0;
    }

    /// <summary>The <c>/metrics</c> page, read with a key that may read.</summary>
    public async Task<string> MetricsAsync()
    {
        using var reader = Client(Secrets["reader"]);
        return await reader.GetStringAsync("/metrics");
    }

    /// <summary>The value of the series of <paramref name="metric"/> whose labels include every one of <paramref name="labels"/>.</summary>
    public static double Series(string metrics, string metric, params string[] labels)
    {
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith(metric + "{", StringComparison.Ordinal) && labels.All(l => line.Contains(l, StringComparison.Ordinal)))
            {
                return double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new Xunit.Sdk.XunitException($"no series {metric} with {string.Join(", ", labels)} on /metrics");
    }
}

[CollectionDefinition(Name)]
public sealed class SecuredSiloCollection : ICollectionFixture<SecuredSilo>
{
    public const string Name = "secured silo";
}

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// A silo whose three listeners speak TLS with a certificate from a test CA made by the openssl CLI. The files are
/// served the way a Kubernetes Secret volume serves them (<c>tls.crt -> ..data/tls.crt</c>, <c>..data -> ..vN</c>),
/// so that <see cref="Serve"/> rotates them as the kubelet does: a new folder, then one rename of the link.
/// </summary>
public class TlsSiloFixture : IAsyncLifetime
{
    private int _version;

    public TlsSiloFixture()
    {
        Folder = Path.Combine(Path.GetTempPath(), "otlpgrains-tls-" + Guid.NewGuid().ToString("N")[..8]);
        Served = Path.Combine(Folder, "served");
    }

    /// <summary>The temporary folder of the CAs, the issued certificates and the served files.</summary>
    public string Folder { get; }

    /// <summary>The folder the silo reads its TLS files from.</summary>
    public string Served { get; }

    internal OpensslTestCa Ca { get; private set; } = null!;

    internal IssuedCertificate Server { get; private set; } = null!;

    internal X509Certificate2 Authority { get; private set; } = null!;

    internal SiloFixture Silo { get; private set; } = null!;

    public Uri GrpcEndpoint => new($"https://127.0.0.1:{Silo.GrpcPort}");

    public Uri HttpEndpoint => new($"https://127.0.0.1:{Silo.HttpPort}");

    public Uri ApiEndpoint => new($"https://127.0.0.1:{Silo.ApiPort}");

    /// <summary>Whether the silo requires client certificates from <see cref="Ca"/>.</summary>
    protected virtual bool Mutual => false;

    public async Task InitializeAsync()
    {
        Ca = OpensslTestCa.Create(Folder, "gateway");
        Authority = Ca.Load();
        Server = Ca.IssueServer("server-1");
        Directory.CreateDirectory(Served);
        await ServeAsync(Server);
        foreach (var file in new[] { "tls.crt", "tls.key", "ca.crt" })
        {
            File.CreateSymbolicLink(Path.Combine(Served, file), Path.Combine("..data", file));
        }

        string[] tls =
        [
            $"--OtlpGrains:Tls:CertificatePath={Path.Combine(Served, "tls.crt")}",
            $"--OtlpGrains:Tls:KeyPath={Path.Combine(Served, "tls.key")}",
            .. Mutual ? [$"--OtlpGrains:Tls:ClientCaPath={Path.Combine(Served, "ca.crt")}"] : Array.Empty<string>(),
        ];
        Silo = new SiloFixture(tls);
        await Silo.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }

    /// <summary>
    /// Serves <paramref name="certificate"/> with the key of <paramref name="keyOf"/> (its own by default): writes a
    /// new version folder, then renames a new <c>..data</c> link over the old one, atomically, as the kubelet does.
    /// </summary>
    internal async Task ServeAsync(IssuedCertificate certificate, IssuedCertificate? keyOf = null)
    {
        var version = $"..v{++_version}";
        var folder = Path.Combine(Served, version);
        Directory.CreateDirectory(folder);
        File.Copy(certificate.CertificatePath, Path.Combine(folder, "tls.crt"));
        File.Copy((keyOf ?? certificate).KeyPath, Path.Combine(folder, "tls.key"));
        File.Copy(Ca.CertificatePath, Path.Combine(folder, "ca.crt"));
        var link = Path.Combine(Served, "..data_tmp");
        File.CreateSymbolicLink(link, version);
        // rename(2) of the new link over the old: .NET's File.Move would refuse a destination that leads to a folder.
        using var rename = Process.Start("mv", ["-T", link, Path.Combine(Served, "..data")])!;
        await rename.WaitForExitAsync();
        Assert.Equal(0, rename.ExitCode);
    }

    internal TlsClient Client(X509Certificate2? clientCertificate = null) => new(Authority, clientCertificate);

    /// <summary>The spans the query API counts for a service (0 when it is not listed), read over https with <paramref name="client"/>.</summary>
    internal async Task<long> SpansAsync(TlsClient client, string service)
    {
        using var api = client.Http(ApiEndpoint);
        using var response = await api.GetAsync($"/api/v1/services/{service}");
        if (!response.IsSuccessStatusCode)
        {
            return 0;
        }

        var detail = await response.Content.ReadFromJsonAsync<JsonElement>();
        return detail.GetProperty("spans").GetInt64();
    }

    /// <summary>One sample of <c>/metrics</c>, read over https with <paramref name="client"/>.</summary>
    internal async Task<double> MetricAsync(TlsClient client, string series)
    {
        using var api = client.Http(ApiEndpoint);
        var text = await api.GetStringAsync("/metrics");
        var prefix = series + " ";
        var line = text.Split('\n').SingleOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(line is not null, $"/metrics has no {series}");
        return double.Parse(line[prefix.Length..], CultureInfo.InvariantCulture);
    }
}

/// <summary>The same silo with mutual TLS: client certificates must chain to the test CA.</summary>
public sealed class MutualTlsSiloFixture : TlsSiloFixture
{
    protected override bool Mutual => true;
}

[CollectionDefinition(Name)]
public sealed class TlsSiloCollection : ICollectionFixture<TlsSiloFixture>
{
    public const string Name = "tls-silo";
}

[CollectionDefinition(Name)]
public sealed class MutualTlsSiloCollection : ICollectionFixture<MutualTlsSiloFixture>
{
    public const string Name = "mtls-silo";
}

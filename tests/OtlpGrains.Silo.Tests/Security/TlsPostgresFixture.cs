using Npgsql;
using OtlpGrains.TestSupport;

namespace OtlpGrains.Silo.Tests.Security;

/// <summary>
/// A PostgreSQL server that takes TLS connections only: <c>ssl=on</c> with a server certificate from a test CA made by
/// openssl, and a <c>pg_hba.conf</c> of <c>hostssl</c> lines alone, so a cleartext TCP login finds no entry and is
/// refused. Unix-socket logins stay trusted for the fixture's own administration.
/// </summary>
public sealed class TlsPostgresFixture : PostgresFixture
{
    private OpensslTestCa? _authority;

    /// <summary>The CA that issued the server's certificate: what a verifying client names as its root certificate.</summary>
    public OpensslTestCa Authority => _authority ?? throw new InvalidOperationException("the fixture is not initialized");

    /// <summary>
    /// A connection string for <paramref name="connectionString"/>'s database that requires TLS and checks the server's
    /// certificate against <paramref name="rootCertificate"/> and its name (<c>SSL Mode=VerifyFull</c>).
    /// </summary>
    public static string Verified(string connectionString, string rootCertificate) => new NpgsqlConnectionStringBuilder(connectionString)
    {
        SslMode = SslMode.VerifyFull,
        RootCertificate = rootCertificate,
    }.ConnectionString;

    /// <summary>A fresh database reached over TLS with the server's certificate verified.</summary>
    public async Task<string> CreateVerifiedDatabaseAsync(string name) => Verified(await CreateDatabaseAsync(name), Authority.CertificatePath);

    protected override async Task ConfigureServerAsync()
    {
        _authority = await OpensslTestCa.CreateTemporaryAsync("otlpgrains-test-postgres-ca");
        var server = await _authority.IssueAsync("postgres-server", "serverAuth");
        var certificate = Path.Combine(DataDirectory, "server.crt");
        var key = Path.Combine(DataDirectory, "server.key");
        File.Copy(server.CertificatePath, certificate);
        File.Copy(server.KeyPath, key);

        // PostgreSQL refuses a key others can read, and runs as the postgres user when the tests run as root.
        await RunAsync("chmod", ["600", key], asPostgres: false);
        if (RunsAsRoot)
        {
            await RunAsync("chown", ["postgres", certificate, key], asPostgres: false);
        }

        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "pg_hba.conf"), $"""
            # Written by TlsPostgresFixture: TCP only over TLS (no plain 'host' line, so cleartext is refused).
            local all all trust
            hostssl all {PasswordRole} 127.0.0.1/32 scram-sha-256
            hostssl all all 127.0.0.1/32 trust

            """);
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), $"""

            ssl = on
            ssl_cert_file = '{certificate}'
            ssl_key_file = '{key}'
            ssl_min_protocol_version = 'TLSv1.2'

            """);
    }

    protected override async Task ReleaseDataVolumeAsync()
    {
        _authority?.Dispose();
        await base.ReleaseDataVolumeAsync();
    }
}

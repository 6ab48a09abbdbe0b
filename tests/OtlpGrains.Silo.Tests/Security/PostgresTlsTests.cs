using System.Security.Authentication;
using Npgsql;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests.Security;

/// <summary>
/// Npgsql's TLS settings against a PostgreSQL that requires TLS: a cleartext login is refused, a verified one works
/// and is encrypted, and a server certificate from another CA is refused by a verifying client.
/// </summary>
public sealed class PostgresTlsTests(TlsPostgresFixture postgres) : IClassFixture<TlsPostgresFixture>
{
    [Fact]
    public async Task CleartextLoginIsRefused()
    {
        var cleartext = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { SslMode = SslMode.Disable }.ConnectionString;
        await using var connection = new NpgsqlConnection(cleartext);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());

        // 28000 invalid_authorization_specification: "no pg_hba.conf entry ... no encryption".
        Assert.Equal(PostgresErrorCodes.InvalidAuthorizationSpecification, refused.SqlState);
        Assert.Contains("no encryption", refused.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifiedConnectionIsEncrypted()
    {
        await using var connection = new NpgsqlConnection(TlsPostgresFixture.Verified(postgres.ConnectionString, postgres.Authority.CertificatePath));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()", connection);
        await using var reader = await command.ExecuteReaderAsync();

        Assert.True(await reader.ReadAsync());
        Assert.True(reader.GetBoolean(0));
        Assert.StartsWith("TLSv1.", reader.GetString(1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerCertificateFromAnotherCaIsRefused()
    {
        using var other = await OpensslTestCa.CreateTemporaryAsync("some-other-ca");
        await using var connection = new NpgsqlConnection(TlsPostgresFixture.Verified(postgres.ConnectionString, other.CertificatePath));

        var refused = await Assert.ThrowsAnyAsync<NpgsqlException>(() => connection.OpenAsync());

        Assert.IsType<AuthenticationException>(refused.InnerException);
    }

    [Fact]
    public async Task PasswordLoginWorksOverVerifiedTls()
    {
        var builder = new NpgsqlConnectionStringBuilder(TlsPostgresFixture.Verified(postgres.ConnectionString, postgres.Authority.CertificatePath))
        {
            Username = TlsPostgresFixture.PasswordRole,
            Password = TlsPostgresFixture.PasswordRolePassword,
        };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_user", connection);

        Assert.Equal(TlsPostgresFixture.PasswordRole, await command.ExecuteScalarAsync());
    }
}

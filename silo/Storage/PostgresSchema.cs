using System.Globalization;
using System.Net.Sockets;
using System.Reflection;
using Npgsql;

namespace OtlpGrains.Silo.Storage;

/// <summary>
/// Installs and checks our PostgreSQL schema (the scripts under <c>deploy/sql/postgresql/</c>, embedded in the silo):
/// the tables and <c>OrleansQuery</c> rows the Orleans ADO.NET providers need, plus our own later tables.
/// </summary>
internal sealed class PostgresSchema
{
    /// <summary>The advisory lock all silos take while installing ("OTLPSCHM" in ASCII), so concurrent starts queue.</summary>
    private const long InstallLockKey = 0x4F544C505343484D;

    private const string ResourcePrefix = "OtlpGrains.Silo.Storage.Sql.";

    private const string Remedy = "run deploy/sql/postgresql/*.sql or enable OtlpGrains:Storage:ApplySchema";

    private static readonly Lazy<SchemaScript[]> EmbeddedScripts = new(LoadScripts);

    private PostgresSchema()
    {
    }

    /// <summary>The embedded scripts in the order they must run.</summary>
    public static IReadOnlyList<SchemaScript> Scripts => EmbeddedScripts.Value;

    /// <summary>The version a fully installed schema has (the highest script number).</summary>
    public static int LatestVersion => EmbeddedScripts.Value[^1].Version;

    /// <summary>
    /// Runs every script whose version row is missing, in order, in one transaction under an advisory lock, so that
    /// silos starting together install the schema once and a failed script leaves nothing half-applied.
    /// </summary>
    public static async Task ApplyAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);

        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", InstallLockKey);
            await lockCommand.ExecuteNonQueryAsync(ct);
        }

        // Read after taking the lock: another silo may have just finished installing.
        var applied = await ReadAppliedVersionsAsync(connection, transaction, ct);
        foreach (var script in Scripts)
        {
            if (applied.Contains(script.Version))
            {
                continue;
            }

            await using var command = new NpgsqlCommand(script.Sql, connection, transaction);
            await command.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// For start-up with auto-apply off: null when the schema is present at <see cref="LatestVersion"/>, otherwise one
    /// line naming the problem, including an unreachable server, a refused login or a missing database.
    /// </summary>
    public static async Task<string?> FindProblemAsync(string connectionString, CancellationToken ct)
    {
        NpgsqlConnectionStringBuilder settings;
        try
        {
            settings = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            return $"invalid PostgreSQL connection string: {ex.Message}";
        }

        try
        {
            await using var connection = new NpgsqlConnection(settings.ConnectionString);
            await connection.OpenAsync(ct);
            var applied = await ReadAppliedVersionsAsync(connection, null, ct);
            return DescribeMissingVersions(applied);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InvalidPassword
                                               or PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            return $"PostgreSQL refused the login for user {UserOf(settings)}: {ex.MessageText}";
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            return $"PostgreSQL database {settings.Database} does not exist at {EndpointOf(settings)}: {ex.MessageText}";
        }
        catch (PostgresException ex)
        {
            return $"PostgreSQL at {EndpointOf(settings)} failed the schema check: {ex.SqlState} {ex.MessageText}";
        }
        catch (NpgsqlException ex) when (!ct.IsCancellationRequested)
        {
            return $"cannot reach PostgreSQL at {EndpointOf(settings)}: {InnermostMessage(ex)}";
        }
        catch (SocketException ex)
        {
            return $"cannot reach PostgreSQL at {EndpointOf(settings)}: {ex.Message}";
        }
        catch (TimeoutException ex)
        {
            return $"cannot reach PostgreSQL at {EndpointOf(settings)}: {ex.Message}";
        }
    }

    /// <summary>The one-line reason for a partly installed schema, or null when every script's version is present.</summary>
    internal static string? DescribeMissingVersions(IReadOnlySet<int> applied)
    {
        var missing = Scripts.Where(s => !applied.Contains(s.Version)).Select(s => s.Version).ToArray();
        if (missing.Length == 0)
        {
            return null;
        }

        // The installed level is the last version before the first gap; later stray versions are listed.
        var installed = missing[0] - 1;
        var gaps = applied.Any(v => v > installed) ? $" (missing: {string.Join(", ", missing)})" : string.Empty;
        var what = installed == 0 ? "schema not installed: schema version 0" : $"schema version {installed}";
        return $"{what} of {LatestVersion} applied{gaps}; {Remedy}";
    }

    private static async Task<HashSet<int>> ReadAppliedVersionsAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken ct)
    {
        // A fresh database has no version table at all: that is "nothing applied", not an error.
        var versions = new HashSet<int>();
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('otlpgrains_schema_version') IS NOT NULL", connection, transaction))
        {
            if (await exists.ExecuteScalarAsync(ct) is not true)
            {
                return versions;
            }
        }

        await using var command = new NpgsqlCommand("SELECT version FROM otlpgrains_schema_version", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private static SchemaScript[] LoadScripts()
    {
        var assembly = typeof(PostgresSchema).Assembly;
        var scripts = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(name => Load(assembly, name))
            .OrderBy(s => s.Version)
            .ToArray();
        if (scripts.Length == 0)
        {
            throw new InvalidOperationException("No PostgreSQL schema scripts are embedded in the silo assembly.");
        }

        return scripts;
    }

    private static SchemaScript Load(Assembly assembly, string resourceName)
    {
        var fileName = resourceName[ResourcePrefix.Length..];
        var underscore = fileName.IndexOf('_', StringComparison.Ordinal);
        if (underscore <= 0 || !int.TryParse(fileName.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new InvalidOperationException($"Schema script {fileName} does not start with its version number (NNNN_name.sql).");
        }

        using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Schema script {fileName} is missing from the silo assembly.");
        using var reader = new StreamReader(stream);
        return new SchemaScript(version, fileName, reader.ReadToEnd());
    }

    private static string EndpointOf(NpgsqlConnectionStringBuilder settings) =>
        $"{settings.Host ?? "localhost"}:{settings.Port.ToString(CultureInfo.InvariantCulture)}";

    private static string UserOf(NpgsqlConnectionStringBuilder settings) =>
        settings.Username ?? Environment.UserName;

    private static string InnermostMessage(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex.Message;
    }
}

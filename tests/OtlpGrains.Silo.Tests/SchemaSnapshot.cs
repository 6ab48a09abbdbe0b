using Xunit;
using System.Globalization;
using Npgsql;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// A text picture of a database's schema: tables and columns, indexes, our functions, the OrleansQuery rows and the
/// version rows. Two equal snapshots mean nothing in the schema changed.
/// </summary>
internal static class SchemaSnapshot
{
    public static async Task<string> TakeAsync(string connectionString, bool includeAppliedAt)
    {
        var appliedAt = includeAppliedAt ? " || ' ' || applied_at::text" : string.Empty;
        string[] queries =
        [
            """
            SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '')
              FROM information_schema.columns WHERE table_schema = 'public'
             ORDER BY table_name, ordinal_position
            """,
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname",
            """
            SELECT p.proname || ' ' || md5(pg_get_functiondef(p.oid))
              FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public' ORDER BY p.proname
            """,
            "SELECT querykey || ' ' || md5(querytext) FROM orleansquery ORDER BY querykey",
            $"SELECT version::text || ' ' || description{appliedAt} FROM otlpgrains_schema_version ORDER BY version",
        ];
        var lines = new List<string>();
        foreach (var query in queries)
        {
            lines.AddRange(await ReadRowsAsync(connectionString, query));
            lines.Add("--");
        }

        return string.Join('\n', lines);
    }

    public static async Task<List<string>> ReadRowsAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture) ?? string.Empty);
        }

        return rows;
    }
}

using System.Globalization;
using Npgsql;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// An exclusive lock on the batch log table, held in an open transaction until disposed (rolled back). While it is
/// held, a group-commit flush waits in the database, so the appends that follow gather in the queue: tests use it to
/// know which appends share a flush.
/// </summary>
internal sealed class LogTableLock : IAsyncDisposable
{
    private static readonly TimeSpan ConditionLimit = TimeSpan.FromSeconds(60);

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private LogTableLock(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    public static async Task<LogTableLock> TakeAsync(string database)
    {
        var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("LOCK TABLE otlpgrains_service_batches IN EXCLUSIVE MODE", connection, transaction);
        await command.ExecuteNonQueryAsync();
        return new LogTableLock(connection, transaction);
    }

    /// <summary>Waits until another session's insert waits for this lock: the writer's flush is in the database.</summary>
    public async Task WaitUntilAnInsertWaitsAsync()
    {
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'otlpgrains_service_batches'::regclass", _connection, _transaction);
        using var limit = new CancellationTokenSource(ConditionLimit);
        while (Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) == 0)
        {
            try
            {
                await Task.Delay(10, limit.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail("no insert ever waited for the table lock");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.RollbackAsync();
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }

    /// <summary>Polls <paramref name="condition"/> (every 10 ms, for at most a minute) and fails the test naming <paramref name="what"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var limit = new CancellationTokenSource(ConditionLimit);
        while (!condition())
        {
            try
            {
                await Task.Delay(10, limit.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"never reached: {what}");
            }
        }
    }
}

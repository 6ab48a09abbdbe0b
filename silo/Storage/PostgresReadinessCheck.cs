using Npgsql;
using OtlpGrains.Gateway.Hosting;

namespace OtlpGrains.Silo.Storage;

/// <summary>
/// Durable mode is ready only while PostgreSQL answers: without it every batch is refused (nothing can be logged), so a
/// Kubernetes Service or load balancer should send senders elsewhere, and an operator sees why on <c>/readyz</c>.
/// </summary>
internal sealed class PostgresReadinessCheck(NpgsqlDataSource dataSource) : IReadinessCheck
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

    public async Task<string?> ProblemAsync(CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Limit);
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(limit.Token);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"PostgreSQL did not answer within {Limit.TotalSeconds:F0} s";
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            return $"PostgreSQL unreachable: {exception.Message.ReplaceLineEndings(" ")}";
        }
    }
}

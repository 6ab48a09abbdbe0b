using System.Buffers;
using Npgsql;
using NpgsqlTypes;
using Orleans.Serialization;
using OtlpGrains.Grains.Services;

namespace OtlpGrains.Silo.Storage;

/// <summary>
/// One writer's group of appends and the statement that commits it, in one round trip and one implicit transaction:
/// each row is inserted only under its service's current epoch (the epoch row is held <c>FOR SHARE</c> until the
/// commit, so a fence waits for the group), with <c>ON CONFLICT (service, batch_id) DO NOTHING</c>, and the statement
/// answers every row: inserted, already logged, or fenced out (a stale epoch fails that append alone). The payloads
/// are serialized here, off the grain turns, back to back into one reused buffer that travels as a single bytea
/// parameter; the server cuts each row's payload out of it. The writer's connection and prepared statement are kept
/// between flushes and dropped after a failure.
/// </summary>
internal sealed class BatchLogGroupInsert(NpgsqlDataSource dataSource, Serializer serializer) : IAsyncDisposable
{
    // u: the group's rows; f: the epochs of its services, locked FOR SHARE in one order for every group, so that two
    // groups waiting on two fences cannot wait on each other (a service never fenced is at epoch 0);
    // ins: the rows whose epoch is current, in the group's order (of two with one batch id the first is inserted),
    // unless their batch id is logged; then one answer per row.
    private const string Sql =
        "WITH u AS (SELECT * FROM unnest($1::text[], $2::bigint[], $3::uuid[], $5::integer[], $6::integer[], $7::bigint[]) WITH ORDINALITY AS u(s, q, b, o, l, e, n)), " +
        "f AS (SELECT service, epoch FROM otlpgrains_service_epochs WHERE service = ANY($1::text[]) ORDER BY service FOR SHARE), " +
        "c AS (SELECT u.*, COALESCE(f.epoch, 0) AS current FROM u LEFT JOIN f ON f.service = u.s), " +
        "ins AS (INSERT INTO otlpgrains_service_batches (service, sequence, batch_id, payload) " +
        "SELECT s, q, b, substring($4 FROM o FOR l) FROM c WHERE e = current ORDER BY n " +
        "ON CONFLICT (service, batch_id) DO NOTHING RETURNING service, sequence) " +
        "SELECT c.s, c.q, ins.sequence IS NOT NULL, c.current FROM c LEFT JOIN ins ON ins.service = c.s AND ins.sequence = c.q";

    private readonly List<PendingAppend> _appends = [];
    private readonly List<string> _services = [];
    private readonly List<long> _sequences = [];
    private readonly List<Guid> _batchIds = [];
    private readonly List<int> _offsets = [];
    private readonly List<int> _lengths = [];
    private readonly List<long> _epochs = [];
    private const int InitialPayloadBytes = 64 * 1024;

    // A rare huge flush should not pin its buffer for the silo's lifetime.
    private const int RetainedPayloadBytes = 16 * 1024 * 1024;

    private ArrayBufferWriter<byte> _payloads = new(InitialPayloadBytes);
    private readonly Dictionary<(string Service, long Sequence), (bool Inserted, long Current)> _answers = [];
    private NpgsqlConnection? _connection;
    private NpgsqlCommand? _command;

    public int Count => _appends.Count;

    /// <summary>Payload bytes gathered so far.</summary>
    public int Bytes => _payloads.WrittenCount;

    /// <summary>Adds an append to the group, serializing its batch; an append that cannot be serialized fails alone.</summary>
    public void Add(PendingAppend append)
    {
        int start = _payloads.WrittenCount;
        try
        {
            serializer.Serialize(append.Batch, _payloads);
        }
        catch (Exception exception)
        {
            // The bytes it left behind are referenced by no row.
            append.Failed(exception);
            return;
        }

        _appends.Add(append);
        _services.Add(append.Service);
        _sequences.Add(append.Sequence);
        _batchIds.Add(append.Batch.BatchId);
        _offsets.Add(start + 1); // substring counts from 1
        _lengths.Add(_payloads.WrittenCount - start);
        _epochs.Add(append.Epoch);
    }

    /// <summary>
    /// Commits the group, then answers every append (inserted or duplicate); when anything fails, every append of the
    /// group fails, since none of its rows is committed (or, if the connection broke during the commit, whether they
    /// are is unknown, which the grains settle by replaying the log). Leaves the group empty.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_appends.Count == 0)
        {
            return;
        }

        try
        {
            await InsertAsync(cancellationToken);
        }
        catch (Exception exception)
        {
            await DropConnectionAsync();
            foreach (var append in _appends)
            {
                append.Failed(exception);
            }

            Clear();
            throw;
        }

        // Only now, with the statement's implicit transaction committed, may any grain count its batch.
        foreach (var append in _appends)
        {
            var (inserted, current) = _answers[(append.Service, append.Sequence)];
            if (current != append.Epoch)
            {
                append.Failed(LogFencedException.Of(append.Service, append.Epoch, current));
            }
            else
            {
                append.Committed(inserted);
            }
        }

        Clear();
    }

    public async ValueTask DisposeAsync() => await DropConnectionAsync();

    private async Task InsertAsync(CancellationToken cancellationToken)
    {
        var command = await CommandAsync(cancellationToken);
        command.Parameters[0].Value = _services;
        command.Parameters[1].Value = _sequences;
        command.Parameters[2].Value = _batchIds;
        ((NpgsqlParameter<ReadOnlyMemory<byte>>)command.Parameters[3]).TypedValue = _payloads.WrittenMemory;
        command.Parameters[4].Value = _offsets;
        command.Parameters[5].Value = _lengths;

        command.Parameters[6].Value = _epochs;

        _answers.Clear();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                // Two appends of one service under one number cannot both be answered: the primary key fails the group.
                _answers[(reader.GetString(0), reader.GetInt64(1))] = (reader.GetBoolean(2), reader.GetInt64(3));
            }

            // Read on to ReadyForQuery: the server sends it after the implicit transaction's commit, and an error in
            // the commit arrives here instead.
            while (await reader.NextResultAsync(cancellationToken))
            {
            }
        }
    }

    private async Task<NpgsqlCommand> CommandAsync(CancellationToken cancellationToken)
    {
        if (_command is not null)
        {
            return _command;
        }

        _connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var command = new NpgsqlCommand(Sql, _connection);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        await command.PrepareAsync(cancellationToken);
        _command = command;
        return command;
    }

    private async Task DropConnectionAsync()
    {
        if (_command is not null)
        {
            await _command.DisposeAsync();
            _command = null;
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }
    }

    private void Clear()
    {
        _appends.Clear();
        _services.Clear();
        _sequences.Clear();
        _batchIds.Clear();
        _offsets.Clear();
        _lengths.Clear();
        _epochs.Clear();
        _answers.Clear();

        if (_payloads.Capacity > RetainedPayloadBytes)
        {
            _payloads = new ArrayBufferWriter<byte>(InitialPayloadBytes);
        }
        else
        {
            _payloads.ResetWrittenCount();
        }
    }
}

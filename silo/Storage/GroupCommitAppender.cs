using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Serialization;
using OtlpGrains.Grains.Services;

namespace OtlpGrains.Silo.Storage;

/// <summary>
/// The silo's group commit for the batch log. Service grains' appends go into one bounded queue; each of
/// <see cref="BatchLogOptions.Writers"/> writers takes whatever has gathered while its previous flush was in the
/// database (up to <see cref="BatchLogOptions.MaxAppendsPerFlush"/> appends and about
/// <see cref="BatchLogOptions.MaxBytesPerFlush"/> bytes) and commits it in one statement. An append completes only
/// after its group's commit, with its own answer; a failed flush fails every append in it.
/// </summary>
/// <remarks>
/// A full queue makes appends wait rather than fail: a failed append costs its grain a deactivation and a replay,
/// while a wait only holds the grain turn, which the gateway's in-flight budget and grain timeout already bound.
/// A service grain may have several appends queued (its ingest calls interleave while they await their commits), so
/// the queue fills when many requests ingest at once on a silo whose database is slow.
/// The counts are on the <c>OtlpGrains.Storage</c> meter, so <c>/metrics</c> shows them as
/// <c>otlpgrains_storage_batch_log_*</c>.
/// </remarks>
internal sealed partial class GroupCommitAppender : IAsyncDisposable
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    private readonly Channel<PendingAppend> _queue;
    private readonly BatchLogOptions _options;
    private readonly ILogger<GroupCommitAppender> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _writers;
    private long _flushes;
    private long _flushedAppends;
    private long _failedFlushes;
    private int _disposed;

    /// <param name="meters">The host's meter factory, for the appender's counts; none in tests that build it alone.</param>
    public GroupCommitAppender(
        NpgsqlDataSource dataSource,
        Serializer serializer,
        IOptions<BatchLogOptions> options,
        ILogger<GroupCommitAppender> logger,
        IMeterFactory? meters = null)
    {
        _options = options.Value;
        if (meters is not null)
        {
            var meter = meters.Create("OtlpGrains.Storage");
            meter.CreateObservableCounter("batch_log_flushes_total", () => Flushes, "{flush}", "Group commits of the batch log, committed or failed.");
            meter.CreateObservableCounter("batch_log_flushed_appends_total", () => FlushedAppends, "{append}", "Batch appends that went out in a group commit.");
            meter.CreateObservableCounter("batch_log_failed_flushes_total", () => FailedFlushes, "{flush}", "Group commits that failed, each failing every append in it.");
            meter.CreateObservableGauge("batch_log_queued_appends", () => Queued, "{append}", "Batch appends waiting for a writer.");
        }

        _logger = logger;
        _queue = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = _options.Writers == 1,
        });
        _writers = [.. Enumerable.Range(0, _options.Writers).Select(_ => Task.Run(() => WriteAsync(new BatchLogGroupInsert(dataSource, serializer))))];
    }

    /// <summary>Flushes committed or failed so far (round trips to the database for appends).</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    /// <summary>Appends that went out in a flush, whatever its outcome.</summary>
    public long FlushedAppends => Interlocked.Read(ref _flushedAppends);

    /// <summary>Flushes that failed, each failing every append in it.</summary>
    public long FailedFlushes => Interlocked.Read(ref _failedFlushes);

    /// <summary>Appends waiting in the queue for a writer.</summary>
    public int Queued => _queue.Reader.Count;

    /// <summary>
    /// Appends <paramref name="batch"/> as number <paramref name="sequence"/> of <paramref name="service"/> with the
    /// next group; true once committed, false when the service's log already held the batch id, and
    /// <see cref="LogFencedException"/> when <paramref name="epoch"/> is not the service's. The token covers only the
    /// wait for room in a full queue: an append once queued is committed or failed with its group.
    /// </summary>
    public async Task<bool> AppendAsync(string service, long sequence, LoggedBatch batch, long epoch, CancellationToken cancellationToken)
    {
        var append = new PendingAppend(service, sequence, batch, epoch);
        try
        {
            await _queue.Writer.WriteAsync(append, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException("the batch log is stopping with the silo; the batch was not logged");
        }

        return await append.Outcome;
    }

    /// <summary>Stops taking appends, lets the writers commit what is queued (for at most 30 s), then closes their connections.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _queue.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_writers).WaitAsync(DrainTimeout);
        }
        catch (TimeoutException)
        {
            await _stopping.CancelAsync();
            await Task.WhenAll(_writers);
        }

        _stopping.Dispose();
    }

    private async Task WriteAsync(BatchLogGroupInsert group)
    {
        await using var _ = group;
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token))
            {
                while (group.Count < _options.MaxAppendsPerFlush && group.Bytes < _options.MaxBytesPerFlush && reader.TryRead(out var append))
                {
                    group.Add(append);
                }

                int count = group.Count;
                if (count == 0)
                {
                    continue; // every append taken failed to serialize, alone
                }

                try
                {
                    await group.FlushAsync(_stopping.Token);
                }
                catch (Exception exception)
                {
                    Interlocked.Increment(ref _failedFlushes);
                    LogFlushFailed(_logger, count, exception.Message);
                }

                Interlocked.Increment(ref _flushes);
                Interlocked.Add(ref _flushedAppends, count);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopped after the drain timeout: fail what is still queued rather than leave grains waiting forever.
            var stopped = new InvalidOperationException("the batch log stopped with the silo before the batch was logged");
            while (reader.TryRead(out var append))
            {
                append.Failed(stopped);
            }
        }
    }
}

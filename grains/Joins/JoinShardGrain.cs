using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Joins;

namespace OtlpGrains.Grains.Joins;

/// <summary>
/// The unmatched halves of one join shard's connections (<see cref="ConnectionJoin"/>). The gateway ingests every span
/// as before (services count it, trace shards hold it) and sends this shard only a compact half per eligible span; a
/// pair found here becomes a move of the server's trace, sent a few times a second to the server trace's shard,
/// batched per shard. So the join never holds an acknowledged span (nothing is lost with this grain), and the trace
/// shards stay the one place traces are assembled.
/// </summary>
internal sealed partial class JoinShardGrain(
    IOptions<JoinOptions> options,
    GrainInstruments instruments,
    TimeProvider time,
    ILogger<JoinShardGrain> logger) : Grain, IJoinShardGrain
{
    /// <summary>How often found pairs go to the trace shards: well inside the traces' idle time (1 s in tests, 5 s by default).</summary>
    private static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(200);

    private readonly ConnectionJoin _join = new(
        (long)(options.Value.SkewMilliseconds * 1_000_000),
        Math.Max(1, (long)(options.Value.TtlSeconds * 1000)),
        Math.Max(1, options.Value.MaxHalves / JoinShards.Count));

    private List<TraceMove> _moves = [];

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(FlushAsync, FlushEvery, FlushEvery);
        return base.OnActivateAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Pairs found are worth their calls; unmatched halves go with the activation (their spans are ingested).
        await SendMovesAsync();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    public ValueTask AddHalvesAsync(JoinHalf[] halves)
    {
        _join.Add(halves, NowMs(), _moves);
        instruments.Joins(_join.TakeCounts());
        return ValueTask.CompletedTask;
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        _join.Expire(NowMs());
        instruments.Joins(_join.TakeCounts());
        await SendMovesAsync();
    }

    private async Task SendMovesAsync()
    {
        if (_moves.Count == 0)
        {
            return;
        }

        var moves = _moves;
        _moves = [];
        var sends = moves.GroupBy(m => TraceShards.Of(m.ServerTrace)).Select(async shard =>
        {
            try
            {
                await GrainFactory.GetGrain<ITraceShardGrain>(shard.Key).MoveTracesAsync([.. shard]);
            }
            catch (Exception exception)
            {
                // The halves are paired and gone; the traces stay apart, as if the halves had never met.
                instruments.JoinMovesFailed(shard.Count());
                LogMovesFailed(logger, shard.Count(), shard.Key, exception.Message);
            }
        });
        await Task.WhenAll(sends);
    }

    private long NowMs() => time.GetUtcNow().ToUnixTimeMilliseconds();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Join shard could not move {Count} joined traces on trace shard {Shard}: {Reason}")]
    private static partial void LogMovesFailed(ILogger logger, int count, int shard, string reason);
}

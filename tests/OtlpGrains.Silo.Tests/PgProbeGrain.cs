using Xunit;

namespace OtlpGrains.Silo.Tests;

internal sealed class PgProbeGrain([PersistentState("probe", PgProbeGrain.StorageName)] IPersistentState<PgProbeState> state)
    : Grain, IPgProbeGrain, IRemindable
{
    public const string StorageName = "test";

    public const string ReminderName = "probe-tick";

    public async Task<int> Increment()
    {
        state.State.Value++;
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public Task<PgProbeReading> Read() =>
        Task.FromResult(new PgProbeReading(state.State.Value, GrainContext.ActivationId.ToString(), state.Etag));

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task StartTicking(TimeSpan period) => this.RegisterOrUpdateReminder(ReminderName, period, period);

    public async Task StopTicking()
    {
        var reminder = await this.GetReminder(ReminderName);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        PgProbeTicks.Record(this.GetPrimaryKeyString(), reminderName);
        return Task.CompletedTask;
    }
}

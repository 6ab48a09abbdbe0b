namespace OtlpGrains.Interfaces;

/// <summary>
/// One address (or address and port) an agent saw in use on its node, with its owner: an entry of a workload report
/// (<c>otlpgrains.agent.v1.WorkloadAddress</c>), checked and in the directory's form.
/// </summary>
/// <param name="Address">The address in text form.</param>
/// <param name="Port">A listening port of the owner, 0 for the address as a whole.</param>
/// <param name="Service">The owner's service (namespace and name joined as the gateway joins them).</param>
/// <param name="InstanceId">The owner's <c>service.instance.id</c>, or empty.</param>
/// <param name="ProcessStartUnixNano">When the owner started: of two owners, the later start wins.</param>
[GenerateSerializer, Immutable, Alias("otlpgrains.WorkloadEntry")]
public sealed record WorkloadEntry(
    [property: Id(0)] string Address,
    [property: Id(1)] int Port,
    [property: Id(2)] string Service,
    [property: Id(3)] string InstanceId,
    [property: Id(4)] long ProcessStartUnixNano);

using Grpc.Core;
using OtlpGrains.Agent.V1;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Workloads;

/// <summary>
/// <c>otlpgrains.agent.v1.Workloads/Report</c> on the OTLP/gRPC port (an API key needs the ingest role, as for an
/// export): a node agent's addresses and their owners go to the workload directory grain, one call per report.
/// </summary>
internal sealed class WorkloadsGrpcService(IGrainFactory grains) : OtlpGrains.Agent.V1.Workloads.WorkloadsBase
{
    /// <summary>More entries than one node could hold: a report beyond it is refused whole.</summary>
    public const int MaxEntriesPerReport = 65_536;

    public override async Task<WorkloadReportReply> Report(WorkloadReport request, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(request.NodeId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "node_id is empty: set it to the host.id of the agent's spans"));
        }

        if (request.Addresses.Count > MaxEntriesPerReport)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{request.Addresses.Count} addresses in one report; at most {MaxEntriesPerReport}"));
        }

        var entries = new WorkloadEntry[request.Addresses.Count];
        for (int i = 0; i < entries.Length; i++)
        {
            var address = request.Addresses[i];
            entries[i] = new WorkloadEntry(
                address.Address,
                address.Port > 65535 ? -1 : (int)address.Port,
                ServiceOf(address.ServiceNamespace, address.ServiceName),
                address.ServiceInstanceId,
                (long)Math.Min(address.ProcessStartTimeUnixNano, (ulong)long.MaxValue));
        }

        var result = await grains.GetGrain<IWorkloadDirectoryGrain>(IWorkloadDirectoryGrain.DefaultKey)
            .ReportAsync(request.NodeId, entries, request.Complete);
        return new WorkloadReportReply { Accepted = (uint)result.Accepted, Rejected = (uint)result.Rejected, ErrorMessage = result.Error ?? string.Empty };
    }

    // The service's name as the gateway names a resource's (ServiceIdentity): namespace/name, or the name alone.
    private static string ServiceOf(string serviceNamespace, string name) =>
        string.IsNullOrEmpty(name) || string.IsNullOrEmpty(serviceNamespace) ? name : $"{serviceNamespace}/{name}";
}

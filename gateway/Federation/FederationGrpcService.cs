using Grpc.Core;
using OtlpGrains.Federation.V1;
using OtlpGrains.Interfaces;
using ClusterSummary = OtlpGrains.Federation.V1.ClusterSummary;

namespace OtlpGrains.Gateway.Federation;

/// <summary>
/// The federation service peers call on the OTLP/gRPC port (the read role is checked before it runs). Every call
/// answer from this cluster alone: a trace query never fans out again, so two clusters that are each other's peers
/// cannot loop.
/// </summary>
internal sealed class FederationGrpcService(IGrainFactory grains, FederationIdentity identity) : OtlpGrains.Federation.V1.Federation.FederationBase
{
    public override async Task<ClusterSummary> GetSummary(GetSummaryRequest request, ServerCallContext context)
    {
        var summary = await grains.GetGrain<IFederationGrain>(IFederationGrain.DefaultKey).GetLocalSummaryAsync();
        return FederationWire.ToWire(summary);
    }

    public override async Task<ServiceGraph> GetGraph(GetGraphRequest request, ServerCallContext context) =>
        FederationWire.ToWire(await grains.GetGrain<IFederationGrain>(IFederationGrain.DefaultKey).GetLocalGraphAsync());

    public override async Task<ServiceEvidenceReply> GetEvidence(GetEvidenceRequest request, ServerCallContext context)
    {
        if (EvidenceRange.Problem(request) is { } problem)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, problem));
        }

        var known = await grains.GetGrain<IServiceCatalogGrain>(IServiceCatalogGrain.DefaultKey).GetServicesAsync();
        if (!known.Contains(request.Service, StringComparer.Ordinal))
        {
            return FederationWire.ToWire(identity.ClusterName, null, null, []);
        }

        var service = grains.GetGrain<IServiceGrain>(request.Service);
        var (from, to, baselineFrom, baselineTo) = EvidenceRange.Of(request);
        var evidence = service.GetEvidenceAsync(from, to, baselineFrom, baselineTo).AsTask();
        var summary = service.GetSummaryAsync().AsTask();
        // The local ranking only: a peer's question never fans out again, so two clusters cannot ask each other in a loop.
        var incidents = await grains.GetGrain<IIncidentDirectoryGrain>(IIncidentDirectoryGrain.DefaultKey).ListAsync(null, "open");
        return FederationWire.ToWire(
            identity.ClusterName,
            await evidence,
            await summary,
            incidents.Where(i => i.Services.Any(s => s.Name == request.Service)).Select(FederatedIncident.Of));
    }

    public override async Task<SummaryChangedReply> SummaryChanged(SummaryChangedRequest request, ServerCallContext context) =>
        new() { Known = await grains.GetGrain<IFederationGrain>(IFederationGrain.DefaultKey).PeerChangedAsync(request.FromCluster) };

    public override async Task<TraceSpans> GetTrace(GetTraceRequest request, ServerCallContext context)
    {
        var id = request.TraceId;
        if (!TraceIds.IsValid(id))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, TraceIds.Problem));
        }

        var kept = await grains.GetGrain<ITraceGrain>(id.ToLowerInvariant()).GetKeptAsync();
        return FederationWire.ToWire(identity.ClusterName, kept);
    }
}

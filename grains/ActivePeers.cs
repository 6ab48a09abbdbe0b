namespace OtlpGrains.Grains;

/// <summary>
/// Whether another silo of the cluster is active. A silo that stops can still hand work to its peers, but with none
/// left a grain call cannot be placed anywhere: Orleans fails it and logs the failure with a stack trace, so callers
/// that run while the silo stops ask first and count what they cannot send.
/// </summary>
internal sealed class ActivePeers(IClusterMembershipService membership, ILocalSiloDetails local)
{
    public bool Any()
    {
        foreach (var member in membership.CurrentSnapshot.Members.Values)
        {
            if (member.Status == SiloStatus.Active && !member.SiloAddress.Equals(local.SiloAddress))
            {
                return true;
            }
        }

        return false;
    }
}

namespace OtlpGrains.Agent;

/// <summary>The node an agent runs on, as its spans (<c>host.id</c>) and workload reports name it.</summary>
public static class NodeIdentity
{
    /// <summary>
    /// <c>/etc/machine-id</c> (what the semantic conventions suggest for <c>host.id</c> on Linux), else the host name.
    /// </summary>
    public static string Default(string machineIdPath = "/etc/machine-id")
    {
        try
        {
            var id = File.ReadAllText(machineIdPath).Trim();
            if (id.Length > 0)
            {
                return id;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a container without the host's machine id: the host name is the next best
        }

        return Environment.MachineName;
    }
}

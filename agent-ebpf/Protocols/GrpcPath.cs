namespace OtlpGrains.Agent.Protocols;

/// <summary>Splits a gRPC request path "/package.Service/Method" into its service and method.</summary>
public static class GrpcPath
{
    public static bool TrySplit(string? path, out string service, out string method)
    {
        service = method = "";
        if (path is null || path.Length < 4 || path[0] != '/')
        {
            return false;
        }

        var slash = path.IndexOf('/', 1);
        if (slash <= 1 || slash == path.Length - 1 || path.IndexOf('/', slash + 1) >= 0)
        {
            return false;
        }

        service = path[1..slash];
        method = path[(slash + 1)..];
        return true;
    }
}

namespace OtlpGrains.Gateway.Security;

/// <summary>What a key may do; an endpoint asks for exactly one of them.</summary>
[Flags]
internal enum AccessRoles
{
    None = 0,

    /// <summary>OTLP export over gRPC and HTTP.</summary>
    Ingest = 1,

    /// <summary>The query API's GETs, <c>/metrics</c> and the dashboard.</summary>
    Read = 2,

    /// <summary>Every API call that changes state (the model registry's POSTs); implies <see cref="Read"/>.</summary>
    Admin = 4,
}

/// <summary>The roles' names in settings, refusals and the start-up line.</summary>
internal static class AccessRoleNames
{
    public static readonly string[] Known = ["ingest", "read", "admin"];

    public static bool TryParse(string name, out AccessRoles role)
    {
        role = name.Trim().ToLowerInvariant() switch
        {
            "ingest" => AccessRoles.Ingest,
            "read" => AccessRoles.Read,
            "admin" => AccessRoles.Admin,
            _ => AccessRoles.None,
        };
        return role != AccessRoles.None;
    }

    public static string Name(AccessRoles role) => role switch
    {
        AccessRoles.Ingest => "ingest",
        AccessRoles.Read => "read",
        AccessRoles.Admin => "admin",
        _ => "none",
    };
}

namespace OtlpGrains.Gateway.Security;

/// <summary>The three listeners, which differ in the role they ask for and in how a refusal is written.</summary>
internal enum EndpointFamily
{
    OtlpGrpc = 0,
    OtlpHttp = 1,
    Api = 2,
}

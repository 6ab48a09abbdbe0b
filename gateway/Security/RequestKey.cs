using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace OtlpGrains.Gateway.Security;

/// <summary>
/// The name of the API key a request was authenticated with, for the per-key limits behind the receivers; null when
/// no keys are configured or the endpoint needs none.
/// </summary>
internal static class RequestKey
{
    public static string? NameOf(HttpContext context) => context.Features.Get<ApiKey>()?.Name;

    public static string? NameOf(ServerCallContext context) => NameOf(context.GetHttpContext());
}

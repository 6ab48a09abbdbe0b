using System.Net;
using Microsoft.Extensions.Options;
using OtlpGrains.Gateway.Configuration;

namespace OtlpGrains.Gateway.Security;

/// <summary>
/// Refuses to start an OTLP or API listener on an address other hosts can reach when no keys guard it, unless
/// <see cref="SecurityOptions.AllowAnonymous"/> says so. Runs on the addresses after <see cref="ListenDefaults"/>.
/// </summary>
internal sealed class ListenExposureValidator(IOptions<SecurityOptions> security) :
    IValidateOptions<OtlpReceiverOptions>, IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, OtlpReceiverOptions options) =>
        Exposure("OtlpGrains:Otlp:ListenAddress", options.ListenAddress);

    public ValidateOptionsResult Validate(string? name, ApiOptions options) =>
        Exposure("OtlpGrains:Api:ListenAddress", options.ListenAddress);

    private ValidateOptionsResult Exposure(string setting, string address)
    {
        var options = security.Value;
        // An address that does not parse is the gateway validator's to name.
        if (options.HasKeys || options.AllowAnonymous || !IPAddress.TryParse(address, out _) || ListenDefaults.IsLoopback(address))
        {
            return ValidateOptionsResult.Success;
        }

        const string Section = SecurityOptions.SectionName;
        return ValidateOptionsResult.Fail(
            $"{setting} is {address}, which other hosts can reach, and {Section}:Keys is empty: configure keys, or set {Section}:AllowAnonymous=true to let anyone who reaches it write and read");
    }
}

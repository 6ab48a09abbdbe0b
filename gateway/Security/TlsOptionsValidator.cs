using Microsoft.Extensions.Options;

namespace OtlpGrains.Gateway.Security;

/// <summary>
/// Checks <see cref="TlsOptions"/> at start-up, one line per problem: files that are named must exist. Whether they
/// hold a usable certificate is <see cref="CertificateRotation"/>'s first load.
/// </summary>
internal sealed class TlsOptionsValidator : IValidateOptions<TlsOptions>
{
    public ValidateOptionsResult Validate(string? name, TlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!options.Enabled)
        {
            if (!string.IsNullOrWhiteSpace(options.KeyPath) || !string.IsNullOrWhiteSpace(options.ClientCaPath))
            {
                failures.Add($"{TlsOptions.SectionName}:KeyPath and ClientCaPath need {TlsOptions.SectionName}:CertificatePath (TLS is off without a certificate)");
            }

            return Result(failures);
        }

        Exists(failures, "CertificatePath", options.CertificatePath);
        Exists(failures, "KeyPath", options.KeyPath);
        Exists(failures, "ClientCaPath", options.ClientCaPath);
        return Result(failures);
    }

    private static void Exists(List<string> failures, string setting, string? path)
    {
        if (!string.IsNullOrWhiteSpace(path) && !File.Exists(path))
        {
            failures.Add($"{TlsOptions.SectionName}:{setting} '{path}' is not a readable file");
        }
    }

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}

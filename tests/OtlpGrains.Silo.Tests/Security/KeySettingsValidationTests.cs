using OtlpGrains.Hosting;
using Xunit;

namespace OtlpGrains.Silo.Tests.Security;

/// <summary>A bad key setting stops the silo at start with one line naming it.</summary>
public sealed class KeySettingsValidationTests
{
    private const string Hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private const string OtherHash = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";

    [Theory]
    [InlineData("OtlpGrains:Security:Keys:0:Hash of key 'a' must be 64 lowercase hex digits", "--OtlpGrains:Security:Keys:0:Name=a", "--OtlpGrains:Security:Keys:0:Hash=9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08", "--OtlpGrains:Security:Keys:0:Roles:0=ingest")]
    [InlineData("OtlpGrains:Security:Keys:0:Roles of key 'a' has unknown role 'write' (known: ingest, read, admin)", "--OtlpGrains:Security:Keys:0:Name=a", "--OtlpGrains:Security:Keys:0:Hash=" + Hash, "--OtlpGrains:Security:Keys:0:Roles:0=write")]
    [InlineData("OtlpGrains:Security:Keys:0:Roles of key 'a' is empty", "--OtlpGrains:Security:Keys:0:Name=a", "--OtlpGrains:Security:Keys:0:Hash=" + Hash)]
    [InlineData("OtlpGrains:Security:Keys:1:Name 'a' is already the name of OtlpGrains:Security:Keys:0", "--OtlpGrains:Security:Keys:0:Name=a", "--OtlpGrains:Security:Keys:0:Hash=" + Hash, "--OtlpGrains:Security:Keys:0:Roles:0=ingest", "--OtlpGrains:Security:Keys:1:Name=a", "--OtlpGrains:Security:Keys:1:Hash=" + OtherHash, "--OtlpGrains:Security:Keys:1:Roles:0=read")]
    [InlineData("OtlpGrains:Security:Keys:1:Hash of key 'b' is also the hash of key 'a'", "--OtlpGrains:Security:Keys:0:Name=a", "--OtlpGrains:Security:Keys:0:Hash=" + Hash, "--OtlpGrains:Security:Keys:0:Roles:0=ingest", "--OtlpGrains:Security:Keys:1:Name=b", "--OtlpGrains:Security:Keys:1:Hash=" + Hash, "--OtlpGrains:Security:Keys:1:Roles:0=read")]
    [InlineData("OtlpGrains:Security:Keys:0:Name must not be empty", "--OtlpGrains:Security:Keys:0:Hash=" + Hash, "--OtlpGrains:Security:Keys:0:Roles:0=ingest")]
    [InlineData("OtlpGrains:Security:RequestsPerSecond must be at least 0", "--OtlpGrains:Security:RequestsPerSecond=-1")]
    public async Task BadKeySettingEndsStartupWithOneLine(string expected, params string[] settings)
    {
        var (exit, lines) = await SiloStartAttempt.RunAsync(settings);

        Assert.Equal(HostRunner.ConfigurationError, exit);
        Assert.All(lines, l => Assert.StartsWith("configuration error: ", l, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(expected, StringComparison.Ordinal));
    }
}

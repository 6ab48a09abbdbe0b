using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Registry;

/// <summary>The outcome of <see cref="UploadValidator.Check"/>: a registration to record, or why not.</summary>
public sealed record UploadVerdict(ModelRegistration? Registration, RegistryRefusal? Refusal)
{
    public static UploadVerdict Refused(RegistryRefusalKind kind, string reason) => new(null, new RegistryRefusal(kind, reason));
}

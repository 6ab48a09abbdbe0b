using System.Globalization;
using System.Security.Cryptography;
using OtlpGrains.Models.Artifacts;
using OtlpGrains.Models.Detection;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Registry;

/// <summary>
/// Checks an upload before the registry changes anything: the fields, the size, our own SHA-256 (and the client's,
/// when sent), the kind, that the kind's codec loads the artifact, and that the schema the artifact carries is the
/// declared one and the model's existing one.
/// </summary>
public sealed class UploadValidator(ModelCodecs codecs, RegistryLimits limits)
{
    /// <summary>Most metrics per version.</summary>
    public const int MaxMetrics = 64;

    /// <summary>Longest metric name.</summary>
    public const int MaxMetricNameLength = 128;

    /// <param name="upload">What the client sent.</param>
    /// <param name="existing">The model the upload adds a version to; null for a new model.</param>
    public UploadVerdict Check(ModelUpload upload, RegisteredModel? existing)
    {
        if (FieldProblem(upload) is { } problem)
        {
            return UploadVerdict.Refused(RegistryRefusalKind.Invalid, problem);
        }

        if (upload.Artifact.LongLength > limits.MaxArtifactBytes)
        {
            return UploadVerdict.Refused(RegistryRefusalKind.TooLarge,
                $"artifact is {upload.Artifact.LongLength} bytes, more than the limit of {limits.MaxArtifactBytes}");
        }

        if (upload.Artifact.Length == 0)
        {
            return UploadVerdict.Refused(RegistryRefusalKind.Invalid, "artifact is empty");
        }

        IModelCodec codec;
        try
        {
            codec = codecs.For(upload.Kind);
        }
        catch (ModelArtifactException unknown)
        {
            return UploadVerdict.Refused(RegistryRefusalKind.Invalid, unknown.Message);
        }

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(upload.Artifact));
        if (upload.ClaimedSha256 is { } claimed && !string.Equals(claimed.Trim(), sha256, StringComparison.OrdinalIgnoreCase))
        {
            return UploadVerdict.Refused(RegistryRefusalKind.Invalid, $"sha256 mismatch: the artifact hashes to {sha256}, the request says {claimed.Trim()}");
        }

        IAnomalyModel model;
        try
        {
            model = codec.Load(upload.Artifact);
        }
        catch (ModelArtifactException corrupt)
        {
            return UploadVerdict.Refused(RegistryRefusalKind.Invalid, $"corrupt {upload.Kind} artifact: {corrupt.Message}");
        }
        catch (Exception native) when (IsNativeLoadFailure(native))
        {
            // Not the upload's fault: TorchSharp's libtorch (or another native part) does not load on this silo.
            return UploadVerdict.Refused(RegistryRefusalKind.Unavailable,
                $"this silo cannot load {upload.Kind} models: {OneLine(native)}");
        }
        catch (Exception other) when (other is not OutOfMemoryException)
        {
            // A codec that trips over input it did not foresee still says the artifact is unusable, in one line.
            return UploadVerdict.Refused(RegistryRefusalKind.Invalid, $"corrupt {upload.Kind} artifact: {OneLine(other)}");
        }

        if (model.Kind != upload.Kind)
        {
            return UploadVerdict.Refused(RegistryRefusalKind.Invalid, $"the {upload.Kind} codec loaded a model of kind '{model.Kind}'");
        }

        var schema = model.Schema;
        if (upload.DeclaredSchema is { } declared && !FeatureSchemaComparison.Same(declared, schema))
        {
            return UploadVerdict.Refused(RegistryRefusalKind.Invalid,
                $"feature schema mismatch: declared {FeatureSchemaComparison.Describe(declared)}, the artifact carries {FeatureSchemaComparison.Describe(schema)}");
        }

        if (existing is not null && !FeatureSchemaComparison.Same(existing.Schema, schema))
        {
            return UploadVerdict.Refused(RegistryRefusalKind.Invalid,
                $"feature schema mismatch: model '{upload.Name}' reads {FeatureSchemaComparison.Describe(existing.Schema)}, the artifact carries {FeatureSchemaComparison.Describe(schema)}");
        }

        return new UploadVerdict(
            new ModelRegistration(upload.Kind, schema, upload.TrainedFrom, upload.TrainedTo, upload.Metrics, sha256, upload.Artifact.LongLength, upload.Who, upload.Reason),
            null);
    }

    private static bool IsNativeLoadFailure(Exception exception) => exception switch
    {
        DllNotFoundException or EntryPointNotFoundException or BadImageFormatException => true,
        TypeInitializationException { InnerException: { } inner } => IsNativeLoadFailure(inner) || inner is NotSupportedException,
        _ => false,
    };

    private static string OneLine(Exception exception)
    {
        var root = exception is TypeInitializationException { InnerException: { } inner } ? inner : exception;
        return $"{root.GetType().Name}: {root.Message.ReplaceLineEndings(" ")}";
    }

    private static string? FieldProblem(ModelUpload upload)
    {
        if (ModelName.Problem(upload.Name) is { } name)
        {
            return name;
        }

        if (string.IsNullOrWhiteSpace(upload.Kind))
        {
            return "kind is required";
        }

        if (string.IsNullOrWhiteSpace(upload.Who))
        {
            return "who is required";
        }

        if (upload.Who.Length > ModelRegistry.MaxWhoLength || upload.Reason?.Length > ModelRegistry.MaxReasonLength)
        {
            return $"who must be at most {ModelRegistry.MaxWhoLength} characters and reason at most {ModelRegistry.MaxReasonLength}";
        }

        if (upload.TrainedTo < upload.TrainedFrom)
        {
            return "trainingTo is before trainingFrom";
        }

        if (upload.Metrics.Count > MaxMetrics)
        {
            return $"{upload.Metrics.Count} metrics, more than the limit of {MaxMetrics}";
        }

        foreach (var (metric, value) in upload.Metrics)
        {
            if (string.IsNullOrWhiteSpace(metric) || metric.Length > MaxMetricNameLength)
            {
                return $"metric names must be 1 to {MaxMetricNameLength} characters";
            }

            if (!double.IsFinite(value))
            {
                return string.Create(CultureInfo.InvariantCulture, $"metric '{metric}' is {value}, not a finite number");
            }
        }

        if (upload.ClaimedSha256 is { } claimed && (claimed.Trim().Length != 64 || !claimed.Trim().All(char.IsAsciiHexDigit)))
        {
            return "sha256 must be 64 hex characters";
        }

        return null;
    }
}

using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Registry;

/// <summary>
/// The registry's rules over <see cref="ModelRegistryState"/>. A model has at most one production and one shadow
/// version. Register adds a candidate. Promote moves a version to shadow (archiving the current shadow) or to
/// production (archiving the current production and remembering it for rollback). Rollback brings back the most
/// recent earlier production version and archives the current one. Retire archives a version that is not in
/// production. Every stage change appends an audit entry; every refusal is a <see cref="RegistryResult"/> that
/// changed nothing.
/// </summary>
public sealed class ModelRegistry(ModelRegistryState state, RegistryLimits limits)
{
    /// <summary>Longest accepted <c>who</c>.</summary>
    public const int MaxWhoLength = 128;

    /// <summary>Longest accepted reason.</summary>
    public const int MaxReasonLength = 1024;

    public ModelRegistryState State => state;

    public RegistryLimits Limits => limits;

    public IEnumerable<RegisteredModel> Models => state.Models.Values;

    public RegisteredModel? Find(string name) => state.Models.GetValueOrDefault(name);

    /// <summary>Counts an upload refused before it reached <see cref="Register"/>.</summary>
    public void CountRefusedUpload() => state.RefusedUploads++;

    /// <summary>
    /// Null when a version with <paramref name="schema"/> may be registered under <paramref name="name"/> now, else
    /// why not. Lets the grain check before it stores the artifact.
    /// </summary>
    public RegistryRefusal? RefusalToRegister(string name, FeatureSchema schema)
    {
        if (ModelName.Problem(name) is { } problem)
        {
            return new(RegistryRefusalKind.Invalid, problem);
        }

        if (!state.Models.TryGetValue(name, out var model))
        {
            return state.Models.Count >= limits.MaxModels
                ? new(RegistryRefusalKind.Conflict, $"the registry holds {state.Models.Count} models, its limit; cannot add model '{name}'")
                : null;
        }

        if (!FeatureSchemaComparison.Same(model.Schema, schema))
        {
            return new(RegistryRefusalKind.Invalid,
                $"feature schema mismatch: model '{name}' reads {FeatureSchemaComparison.Describe(model.Schema)}, the artifact {FeatureSchemaComparison.Describe(schema)}");
        }

        return model.VersionList.Count >= limits.MaxVersionsPerModel
            ? new(RegistryRefusalKind.Conflict, $"model '{name}' has {model.VersionList.Count} versions, its limit")
            : null;
    }

    /// <summary>The number the next version of <paramref name="name"/> will get.</summary>
    public int NextVersion(string name) => (Find(name)?.VersionList.Count ?? 0) + 1;

    /// <summary>Adds a checked version as a candidate.</summary>
    public RegistryResult Register(string name, ModelRegistration registration, DateTimeOffset now)
    {
        if (RefusalToRegister(name, registration.Schema) is { } refusal)
        {
            return RegistryResult.Refused(refusal);
        }

        if ((WhoProblem(registration.Who) ?? ReasonProblem(registration.Reason, required: false)) is { } problem)
        {
            return RegistryResult.Refused(RegistryRefusalKind.Invalid, problem);
        }

        if (!state.Models.TryGetValue(name, out var model))
        {
            model = new RegisteredModel(name, registration.Schema);
            state.Models.Add(name, model);
        }

        var version = new ModelVersion(name, model.VersionList.Count + 1, registration.Kind, model.Schema,
            registration.TrainedFrom, registration.TrainedTo, registration.Metrics, registration.Sha256, registration.SizeBytes,
            now, registration.Who, ModelStage.Candidate);
        model.VersionList.Add(version);
        model.Audit.Append(new AuditEntry(now, registration.Who, AuditAction.Register, version.Number, null, ModelStage.Candidate, registration.Reason),
            limits.MaxAuditEntriesPerModel);
        return RegistryResult.Done(version, version);
    }

    /// <summary>Moves a version to <see cref="ModelStage.Shadow"/> or <see cref="ModelStage.Production"/>.</summary>
    public RegistryResult Promote(string name, int number, ModelStage stage, string who, string reason, DateTimeOffset now)
    {
        if (stage is not (ModelStage.Shadow or ModelStage.Production))
        {
            return RegistryResult.Refused(RegistryRefusalKind.Invalid, $"a version can be promoted to shadow or production, not {Lower(stage)}");
        }

        if (Lookup(name, number, who, reason) is { } refusal)
        {
            return RegistryResult.Refused(refusal);
        }

        var model = state.Models[name];
        var version = model.VersionList[number - 1];
        if (version.Stage == stage)
        {
            return RegistryResult.Refused(RegistryRefusalKind.Conflict, $"version {number} of '{name}' is already {Lower(stage)}");
        }

        if (version.Stage == ModelStage.Production)
        {
            return RegistryResult.Refused(RegistryRefusalKind.Conflict,
                $"version {number} of '{name}' is production; promote another version to production or roll back first");
        }

        var operation = new Operation(model, who, AuditAction.Promote, reason, now, limits.MaxAuditEntriesPerModel);
        if (stage == ModelStage.Production)
        {
            if (model.Production is { } displaced)
            {
                model.PreviousProductionList.Remove(displaced.Number);
                model.PreviousProductionList.Add(displaced.Number);
                operation.Move(displaced, ModelStage.Archived);
            }

            model.PreviousProductionList.Remove(number);
        }
        else if (model.Shadow is { } shadow)
        {
            operation.Move(shadow, ModelStage.Archived);
        }

        var promoted = operation.Move(version, stage);
        return operation.Result(promoted);
    }

    /// <summary>Brings back the most recent earlier production version; the current one is archived.</summary>
    public RegistryResult Rollback(string name, string who, string reason, DateTimeOffset now)
    {
        if (Lookup(name, null, who, reason) is { } refusal)
        {
            return RegistryResult.Refused(refusal);
        }

        var model = state.Models[name];
        if (model.Production is not { } current)
        {
            return RegistryResult.Refused(RegistryRefusalKind.Conflict, $"model '{name}' has no production version to roll back");
        }

        if (model.PreviousProductionList.Count == 0)
        {
            return RegistryResult.Refused(RegistryRefusalKind.Conflict, $"model '{name}' has no previous production version to roll back to");
        }

        var previous = model.PreviousProductionList[^1];
        model.PreviousProductionList.RemoveAt(model.PreviousProductionList.Count - 1);
        var operation = new Operation(model, who, AuditAction.Rollback, reason, now, limits.MaxAuditEntriesPerModel);
        operation.Move(current, ModelStage.Archived);
        var restored = operation.Move(model.VersionList[previous - 1], ModelStage.Production);
        return operation.Result(restored);
    }

    /// <summary>
    /// Archives a candidate or shadow version. An archived version that rollback could return to is struck from the
    /// rollback list instead. The production version cannot be retired.
    /// </summary>
    public RegistryResult Retire(string name, int number, string who, string reason, DateTimeOffset now)
    {
        if (Lookup(name, number, who, reason) is { } refusal)
        {
            return RegistryResult.Refused(refusal);
        }

        var model = state.Models[name];
        var version = model.VersionList[number - 1];
        var operation = new Operation(model, who, AuditAction.Retire, reason, now, limits.MaxAuditEntriesPerModel);
        switch (version.Stage)
        {
            case ModelStage.Production:
                return RegistryResult.Refused(RegistryRefusalKind.Conflict,
                    $"version {number} of '{name}' is production; promote another version to production or roll back first");
            case ModelStage.Archived when !model.PreviousProductionList.Contains(number):
                return RegistryResult.Refused(RegistryRefusalKind.Conflict, $"version {number} of '{name}' is already archived");
            default:
                // A retired version is never a rollback target, whatever its stage was.
                model.PreviousProductionList.Remove(number);
                return operation.Result(operation.Move(version, ModelStage.Archived));
        }
    }

    private RegistryRefusal? Lookup(string name, int? number, string who, string reason)
    {
        if ((WhoProblem(who) ?? ReasonProblem(reason, required: true)) is { } problem)
        {
            return new(RegistryRefusalKind.Invalid, problem);
        }

        if (!state.Models.TryGetValue(name, out var model))
        {
            return new(RegistryRefusalKind.NotFound, $"no model named '{name}'");
        }

        if (number is { } n && model.Find(n) is null)
        {
            return new(RegistryRefusalKind.NotFound, $"model '{name}' has no version {n}");
        }

        return null;
    }

    private static string? WhoProblem(string? who) =>
        string.IsNullOrWhiteSpace(who) ? "who is required"
        : who.Length > MaxWhoLength ? $"who is longer than {MaxWhoLength} characters"
        : null;

    private static string? ReasonProblem(string? reason, bool required) =>
        required && string.IsNullOrWhiteSpace(reason) ? "a reason is required"
        : reason is { Length: > MaxReasonLength } ? $"reason is longer than {MaxReasonLength} characters"
        : null;

    private static string Lower(ModelStage stage) => stage.ToString().ToLowerInvariant();

    /// <summary>The stage changes of one operation, each written to the version list and the audit trail.</summary>
    private sealed class Operation(RegisteredModel model, string who, AuditAction action, string reason, DateTimeOffset now, int auditLimit)
    {
        private readonly List<ModelVersion> _changed = [];

        public ModelVersion Move(ModelVersion version, ModelStage to)
        {
            var moved = version with { Stage = to };
            model.VersionList[version.Number - 1] = moved;
            model.Audit.Append(new AuditEntry(now, who, action, version.Number, version.Stage, to, reason), auditLimit);
            _changed.Add(moved);
            return moved;
        }

        public RegistryResult Result(ModelVersion version) => RegistryResult.Done(version, [.. _changed]);
    }
}

using Xunit;

namespace OtlpGrains.Deploy.Tests;

/// <summary>
/// tools/OtlpGrains.PodEnv, which gives fault-test.sh's containers the rendered manifests' environment: the kubelet's
/// order and references on small manifests, the real overlays, and one clear line for what it cannot resolve.
/// </summary>
public sealed class PodEnvTests
{
    private const string Manifest = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          namespace: trial
        data:
          MODE: from-configmap
          PORT: "8080"
          SHARED: configmap
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: keys
          namespace: trial
        data:
          TOKEN: c2VjcmV0LXRva2Vu
          SHARED: c2VjcmV0
        stringData:
          PLAIN: plain-text
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: app
          namespace: trial
        spec:
          template:
            metadata:
              labels:
                tier: backend
            spec:
              serviceAccountName: runner
              containers:
              - name: main
                envFrom:
                - configMapRef:
                    name: settings
                - secretRef:
                    name: keys
                - prefix: EXTRA_
                  configMapRef:
                    name: settings
                - secretRef:
                    name: absent
                    optional: true
                env:
                - name: MODE
                  value: from-env
                - name: URL
                  value: http://$(HOST_IP):$(PORT)/$(UNKNOWN)/$$(PORT)
                - name: HOST_IP
                  valueFrom:
                    fieldRef:
                      fieldPath: status.podIP
                - name: NAMESPACE
                  valueFrom:
                    fieldRef:
                      fieldPath: metadata.namespace
                - name: TIER
                  valueFrom:
                    fieldRef:
                      fieldPath: metadata.labels['tier']
                - name: ACCOUNT
                  valueFrom:
                    fieldRef:
                      fieldPath: spec.serviceAccountName
                - name: DATABASE
                  valueFrom:
                    secretKeyRef:
                      name: database
                      key: url
                - name: MAYBE
                  valueFrom:
                    configMapKeyRef:
                      name: settings
                      key: NOT_THERE
                      optional: true
              - name: sidecar
                env:
                - name: LIMIT
                  valueFrom:
                    resourceFieldRef:
                      resource: limits.memory
                - name: BROKEN
                  value: "two\nlines"
        """;

    private static readonly string[] Supplied = ["--field", "status.podIP=10.0.0.5", "--secret", "database:url=postgres://db"];

    [Fact]
    public void EnvFromInOrderThenEnvWithTheSuppliedValues()
    {
        var (exit, output, errors) = Run(Manifest, ["--workload", "Deployment/app", "--container", "main", .. Supplied]);

        Assert.True(exit == 0, errors);
        var environment = Parse(output);
        AssertHolds(environment, new()
        {
            ["MODE"] = "from-env", ["PORT"] = "8080", ["SHARED"] = "secret", ["TOKEN"] = "secret-token", ["PLAIN"] = "plain-text",
            ["EXTRA_MODE"] = "from-configmap", ["HOST_IP"] = "10.0.0.5", ["NAMESPACE"] = "trial", ["TIER"] = "backend",
            ["ACCOUNT"] = "runner", ["DATABASE"] = "postgres://db",

            // HOST_IP comes after URL, so $(HOST_IP) stays as written; $$ is a literal $.
            ["URL"] = "http://$(HOST_IP):8080/$(UNKNOWN)/$(PORT)",
        });
        Assert.False(environment.ContainsKey("MAYBE"), "an optional key that is not there sets nothing");
    }

    [Fact]
    public void SuppliedSecretKeysWinOverTheRendersKeys()
    {
        var (exit, output, errors) = Run(Manifest, ["--workload", "Deployment/app", "--container", "main", .. Supplied, "--secret", "keys:TOKEN=rotated"]);

        Assert.True(exit == 0, errors);
        Assert.Equal("rotated", Parse(output)["TOKEN"]);
        Assert.Equal("secret", Parse(output)["SHARED"]);
    }

    public static TheoryData<string[], string> Unresolvable => new()
    {
        { ["--workload", "Deployment/app", "--container", "main", "--secret", "database:url=x"], "env HOST_IP needs the downward API's status.podIP, which only a cluster knows; supply it with --field status.podIP=VALUE" },
        { ["--workload", "Deployment/app", "--container", "main", "--field", "status.podIP=10.0.0.5"], "env DATABASE reads Secret database, which the render does not hold; supply its keys with --secret database:KEY=VALUE" },
        { ["--workload", "Deployment/app", "--container", "main", "--field", "status.podIP=1", "--secret", "database:user=x"], "env DATABASE reads key url of Secret database, which has no such key (its keys: user)" },
        { ["--workload", "Deployment/app"], "Deployment/app has 2 containers (main, sidecar); name one with --container" },
        { ["--workload", "Deployment/app", "--container", "web"], "Deployment/app has no container web (its containers: main, sidecar)" },
        { ["--workload", "StatefulSet/app"], "the render holds no StatefulSet/app (its workloads: Deployment/app)" },
        { ["--workload", "ConfigMap/settings"], "ConfigMap/settings is not a kind that runs pods" },
        { ["--workload", "Deployment/app", "--container", "sidecar"], "env LIMIT reads resourceFieldRef limits.memory, which podenv does not resolve" },
    };

    [Theory]
    [MemberData(nameof(Unresolvable))]
    public void WhatCannotBeResolvedFailsWithOneLine(string[] args, string message)
    {
        var (exit, output, errors) = Run(Manifest, args);

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.EndsWith(message, OneLine(errors), StringComparison.Ordinal);
        Assert.StartsWith("podenv: ", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void AValueWithALineBreakCannotBeWrittenToAnEnvFile()
    {
        string manifest = Manifest.Replace("resourceFieldRef:", "fieldRef:", StringComparison.Ordinal)
            .Replace("resource: limits.memory", "fieldPath: metadata.namespace", StringComparison.Ordinal);

        var (exit, output, errors) = Run(manifest, ["--workload", "Deployment/app", "--container", "sidecar"]);

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.Equal("podenv: BROKEN's value has a line break, which an env file cannot carry", OneLine(errors));
    }

    [Theory]
    [InlineData(new string[0], "podenv: --workload KIND/NAME is required (see --help)")]
    [InlineData(new[] { "--workload", "app" }, "podenv: --workload takes KIND/NAME, not 'app' (see --help)")]
    [InlineData(new[] { "--workload", "Deployment/app", "--field", "status.podIP" }, "podenv: --field takes PATH=VALUE, not 'status.podIP' (see --help)")]
    [InlineData(new[] { "--workload", "Deployment/app", "--secret", "database=hunter2" }, "podenv: --secret takes NAME:KEY=VALUE, not 'database=...' (see --help)")]
    [InlineData(new[] { "--workload", "Deployment/app", "--pod-ip", "1.2.3.4" }, "podenv: unknown argument '--pod-ip' (see --help)")]
    [InlineData(new[] { "--workload" }, "podenv: --workload needs a value (see --help)")]
    public void UsageErrorsExitTwoWithOneLine(string[] args, string message)
    {
        var (exit, _, errors) = Run(Manifest, args);

        Assert.Equal(2, exit);
        Assert.Equal(message, OneLine(errors));
    }

    [Fact]
    public void TextThatIsNotAManifestFailsWithOneLine()
    {
        var (exit, _, errors) = Run("kind: [unclosed", ["--workload", "Deployment/app"]);

        Assert.Equal(1, exit);
        Assert.StartsWith("podenv: standard input is not a rendered manifest: ", OneLine(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void DevSiloGetsTheRenderedSettingsAndNoKubernetesVariables()
    {
        string render = Kustomize.RenderText(RepositoryPaths.Overlay("dev"));

        var (exit, output, errors) = Run(render, ["--workload", "Deployment/otlpgrains-silo", "--field", "metadata.name=silo-1", "--field", "status.podIP=10.213.77.11"]);

        Assert.True(exit == 0, errors);
        var environment = Parse(output);
        AssertHolds(environment, new()
        {
            ["POD_NAME"] = "silo-1", ["POD_NAMESPACE"] = "otlpgrains-dev", ["POD_IP"] = "10.213.77.11",
            ["OtlpGrains__Storage__Provider"] = "postgres", ["OtlpGrains__Security__Keys__0__Name"] = "dev-ingest",
        });
        Assert.StartsWith("Host=otlpgrains-postgres;", environment["OtlpGrains__Storage__ConnectionString"], StringComparison.Ordinal);
        Assert.DoesNotContain(environment.Keys, k => k.StartsWith("KUBERNETES_", StringComparison.Ordinal));
        Assert.Equal(new RenderedPod(RenderedObject.Split(render), "Deployment", "otlpgrains-silo").Environment().Keys.Order(), environment.Keys.Order());
    }

    [Fact]
    public void ProductionNeedsTheOperatorsSecrets()
    {
        string render = Kustomize.RenderText(RepositoryPaths.Overlay("production"));
        string[] gateway = ["--workload", "Deployment/otlpgrains-gateway"];

        var (refused, _, errors) = Run(render, gateway);
        var (exit, output, accepted) = Run(render, [.. gateway, "--secret", "otlpgrains-database:connection-string=Host=db", "--secret", "otlpgrains-api-keys:OtlpGrains__Security__Keys__0__Name=collector"]);

        Assert.Equal(1, refused);
        Assert.EndsWith("envFrom reads Secret otlpgrains-api-keys, which the render does not hold; supply its keys with --secret otlpgrains-api-keys:KEY=VALUE", OneLine(errors), StringComparison.Ordinal);
        Assert.True(exit == 0, accepted);
        Assert.Equal("Host=db", Parse(output)["OtlpGrains__Storage__ConnectionString"]);
        Assert.Equal("collector", Parse(output)["OtlpGrains__Security__Keys__0__Name"]);
    }

    [Fact]
    public void TheEnvFileIsReadBackWhole()
    {
        string path = Path.Combine(Path.GetTempPath(), $"podenv-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, Manifest);
        try
        {
            var (exit, output, errors) = Run(string.Empty, ["--file", path, "--workload", "deployment/app", "--container", "main", .. Supplied]);

            Assert.True(exit == 0, errors);
            string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal($"# podenv: Deployment/app container main from {path}", lines[0]);
            Assert.Equal(lines.Skip(1).Order(StringComparer.Ordinal), lines.Skip(1));
            Assert.All(lines.Skip(1), line => Assert.Matches("^[A-Za-z_][A-Za-z0-9_]*=", line));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (int Exit, string Output, string Errors) Run(string input, string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int exit = PodEnvCommand.Run(args, new StringReader(input), output, errors);
        return (exit, output.ToString(), errors.ToString());
    }

    /// <summary>Every expected variable, with its value, is in the environment (which may hold more).</summary>
    private static void AssertHolds(Dictionary<string, string> environment, Dictionary<string, string> expected) =>
        Assert.Equal(expected, expected.Keys.ToDictionary(k => k, k => environment.GetValueOrDefault(k, "<unset>")));

    /// <summary>The error text, which must be exactly one line.</summary>
    private static string OneLine(string errors)
    {
        string trimmed = errors.TrimEnd('\n', '\r');
        Assert.DoesNotContain('\n', trimmed);
        return trimmed;
    }

    /// <summary>An env file read as podman reads it: comment lines skipped, the value everything after the first '='.</summary>
    private static Dictionary<string, string> Parse(string envFile) =>
        envFile.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#'))
            .ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..], StringComparer.Ordinal);
}

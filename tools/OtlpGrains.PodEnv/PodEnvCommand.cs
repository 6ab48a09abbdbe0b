using YamlDotNet.Core;

namespace OtlpGrains.PodEnv;

/// <summary>The command line: read a render, pick a container, print its env file. Exit 0, 1 (cannot resolve) or 2 (usage).</summary>
public static class PodEnvCommand
{
    public const string Usage = """
        OtlpGrains.PodEnv: the environment a rendered pod spec gives one container, as an env file for
        `podman run --env-file` (NAME=VALUE lines; the kubelet's own KUBERNETES_* variables are not part of it).

        Usage: kubectl kustomize deploy/kubernetes/overlays/dev | OtlpGrains.PodEnv --workload KIND/NAME [options]

          --workload KIND/NAME     the workload, e.g. Deployment/otlpgrains-silo (required)
          --container NAME         its container (default: the only one)
          --file FILE              the rendered YAML (default: standard input; - is standard input too)
          --field PATH=VALUE       a downward API value, e.g. status.podIP=10.0.0.5 or metadata.name=silo-1 (repeatable;
                                   metadata.namespace, labels, annotations and spec.serviceAccountName come from the render)
          --secret NAME:KEY=VALUE  a key of a Secret the operator creates, e.g. otlpgrains-database:connection-string=...
                                   (repeatable; wins over the render's key of the same Secret)

        Exit code: 0 with the env file on standard output, 1 when a reference cannot be resolved, 2 for usage errors.
        """;

    public static int Run(IReadOnlyList<string> args, TextReader input, TextWriter output, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        if (args.Contains("--help") || args.Contains("-h"))
        {
            output.WriteLine(Usage);
            return 0;
        }

        if (!PodEnvOptions.TryParse(args, out var options, out var usage))
        {
            errors.WriteLine($"podenv: {usage} (see --help)");
            return 2;
        }

        try
        {
            string source = options.File is null ? "standard input" : options.File;
            string yaml = options.File is null ? input.ReadToEnd() : File.ReadAllText(options.File);
            var objects = Read(yaml, source);
            var pod = PodTemplate.Find(objects, options.Kind, options.Name, options.Container);
            var environment = PodEnvironment.Resolve(objects, pod, options.Supplied);
            var text = new StringWriter();
            EnvFile.Write(text, $"podenv: {pod} from {source}", environment);
            output.Write(text.ToString());
            return 0;
        }
        catch (PodEnvException exception)
        {
            errors.WriteLine($"podenv: {exception.Message}");
            return 1;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            errors.WriteLine($"podenv: cannot read {options.File}: {exception.Message}");
            return 1;
        }
    }

    private static IReadOnlyList<RenderedObject> Read(string yaml, string source)
    {
        try
        {
            var objects = RenderedObject.Split(yaml);
            return objects.Count > 0 ? objects : throw new PodEnvException($"{source} holds no Kubernetes objects");
        }
        catch (Exception exception) when (exception is YamlException or InvalidOperationException or InvalidCastException)
        {
            throw new PodEnvException($"{source} is not a rendered manifest: {exception.Message.ReplaceLineEndings(" ")}");
        }
    }
}

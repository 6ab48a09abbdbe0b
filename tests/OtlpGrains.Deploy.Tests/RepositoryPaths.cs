namespace OtlpGrains.Deploy.Tests;

/// <summary>Where the repository's deploy/kubernetes is, found from the test's output folder.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Kubernetes => Path.Combine(Root, "deploy", "kubernetes");

    public static string Overlay(string name) => Path.Combine(Kubernetes, "overlays", name);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OtlpGrains.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no OtlpGrains.sln above {AppContext.BaseDirectory}");
    }
}

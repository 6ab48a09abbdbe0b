namespace OtlpGrains.Models.Evaluation.Nab;

/// <summary>
/// The benchmark as laid out on disk (<c>data/</c>, <c>labels/combined_windows.json</c>,
/// <c>config/profiles.json</c>): every labelled data file in path order, and the application profiles.
/// </summary>
public sealed class NabCorpus
{
    private NabCorpus(string directory, IReadOnlyList<NabFile> files, IReadOnlyList<NabProfile> profiles)
    {
        Directory = directory;
        Files = files;
        Profiles = profiles;
        WindowCount = files.Sum(f => f.Windows.Count);
    }

    public string Directory { get; }

    public IReadOnlyList<NabFile> Files { get; }

    public IReadOnlyList<NabProfile> Profiles { get; }

    /// <summary>All anomaly windows of the corpus: what the null and the perfect detector are counted on.</summary>
    public int WindowCount { get; }

    public static NabCorpus Load(string nabDirectory)
    {
        if (!System.IO.Directory.Exists(nabDirectory))
        {
            throw new NabFormatException($"{nabDirectory}: no such directory (expected the NAB checkout with data/, labels/ and config/)");
        }

        var labels = NabLabels.Load(Path.Combine(nabDirectory, "labels", "combined_windows.json"));
        IReadOnlyList<NabProfile> profiles = NabProfile.Load(Path.Combine(nabDirectory, "config", "profiles.json"));
        string dataDirectory = Path.Combine(nabDirectory, "data");
        var files = labels.Select(l => NabFile.Load(dataDirectory, l.Key, l.Value)).ToArray();
        return files.Length > 0
            ? new NabCorpus(nabDirectory, files, profiles)
            : throw new NabFormatException($"{nabDirectory}: the labels name no data files");
    }

    /// <summary>
    /// The files whose index in path order passes <paramref name="keep"/>, with the same profiles: a held-out half is
    /// scored (and normalised, on its own windows) exactly as the whole corpus is.
    /// </summary>
    public NabCorpus Subset(Func<int, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        NabFile[] files = [.. Files.Where((_, index) => keep(index))];
        return files.Length > 0
            ? new NabCorpus(Directory, files, Profiles)
            : throw new NabFormatException($"{Directory}: the subset keeps none of the {Files.Count} files");
    }

    /// <summary>The profile named <paramref name="name"/>, such as <c>standard</c>.</summary>
    public NabProfile Profile(string name) =>
        Profiles.FirstOrDefault(p => p.Name == name)
        ?? throw new NabFormatException($"{Directory}: no profile '{name}' (profiles: {string.Join(", ", Profiles.Select(p => p.Name))})");
}

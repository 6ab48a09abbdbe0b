namespace OtlpGrains.Models.Evaluation.Loghub;

/// <summary>
/// One system of Loghub-2k: the <c>Content</c> of each message in file order (what an OTLP log body carries once the
/// shipper has split off time, level and component) and its ground-truth <c>EventTemplate</c>.
/// </summary>
public sealed class LoghubSystem
{
    /// <summary>The file of a system folder <c>&lt;dir&gt;/&lt;System&gt;/</c>.</summary>
    public const string FileSuffix = "_2k.log_structured_corrected.csv";

    public LoghubSystem(string name, IReadOnlyList<string> contents, IReadOnlyList<string> templates)
    {
        if (contents.Count != templates.Count)
        {
            throw new ArgumentException($"{contents.Count} messages but {templates.Count} templates", nameof(templates));
        }

        Name = name;
        Contents = contents;
        Templates = templates;
    }

    public string Name { get; }

    public IReadOnlyList<string> Contents { get; }

    public IReadOnlyList<string> Templates { get; }

    /// <summary>Every system folder under <paramref name="directory"/> that holds its structured file, by name.</summary>
    public static IReadOnlyList<LoghubSystem> LoadAll(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new LoghubFormatException($"{directory}: no such directory");
        }

        var systems = new List<LoghubSystem>();
        foreach (string folder in Directory.GetDirectories(directory).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(folder);
            string file = Path.Combine(folder, name + FileSuffix);
            if (File.Exists(file))
            {
                systems.Add(Load(name, file));
            }
        }

        return systems.Count == 0
            ? throw new LoghubFormatException($"{directory}: no <System>/<System>{FileSuffix} found")
            : systems;
    }

    public static LoghubSystem Load(string name, string file)
    {
        List<string[]> records = LoghubCsv.Parse(File.ReadAllText(file), file);
        int content = Column(records[0], "Content", file);
        int template = Column(records[0], "EventTemplate", file);
        var contents = new string[records.Count - 1];
        var templates = new string[records.Count - 1];
        for (int i = 1; i < records.Count; i++)
        {
            contents[i - 1] = records[i][content];
            templates[i - 1] = records[i][template];
        }

        return contents.Length == 0 ? throw new LoghubFormatException($"{file}: no messages") : new LoghubSystem(name, contents, templates);
    }

    private static int Column(string[] header, string name, string file)
    {
        int index = Array.IndexOf(header, name);
        return index >= 0 ? index : throw new LoghubFormatException($"{file}: no {name} column in the header");
    }
}

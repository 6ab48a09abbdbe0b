namespace OtlpGrains.Models.Logs;

/// <summary>
/// One template of a <see cref="LogTemplateMiner"/>: its fixed id, its tokens (wildcards where the lines it grouped
/// differ), and the tree route it was filed under when it was created, so that a restored miner rebuilds the same tree.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.logs.LogTemplate")]
public sealed class LogTemplate
{
    internal LogTemplate(int id, string[] tokens, string[] route)
    {
        Id = id;
        Tokens = tokens;
        Route = route;
    }

    /// <summary>The id: handed out in order from 1, never changed.</summary>
    [Id(0)] public int Id { get; private set; }

    /// <summary>Lines matched, the first included.</summary>
    [Id(1)] public long Count { get; internal set; }

    [Id(2)] internal string[] Tokens { get; private set; }

    [Id(3)] internal string[] Route { get; private set; }

    [NonSerialized] private string? _text;

    /// <summary>The text: tokens joined by single spaces, <c>&lt;*&gt;</c> for the variables.</summary>
    public string Text => _text ??= string.Join(' ', Tokens);

    /// <summary>Sets token <paramref name="index"/> to a more general one.</summary>
    internal void Generalise(int index, string token)
    {
        Tokens[index] = token;
        _text = null;
    }

    /// <summary>Characters this template counts against <see cref="LogMinerOptions.MaxTemplateChars"/>.</summary>
    internal int Chars
    {
        get
        {
            int chars = 0;
            foreach (string token in Tokens)
            {
                chars += token.Length + 1;
            }

            return chars;
        }
    }
}

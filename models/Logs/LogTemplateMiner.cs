namespace OtlpGrains.Models.Logs;

/// <summary>
/// An online log template miner for one service, after Drain: each line is masked (<see cref="LogMasker"/>), routed
/// through a fixed-depth tree by token count and leading tokens, and joins the most similar template of its leaf
/// when enough positions match; the template then generalises where they differ. Otherwise it starts a new template.
/// </summary>
/// <remarks>
/// A template's id is handed out once, in order from 1, and never changes, even as its text generalises.
/// <see cref="OtherId"/> (0) is the reserved <c>other</c> template for lines beyond the bounds
/// (<see cref="LogMinerOptions.MaxTemplates"/>, <see cref="LogMinerOptions.MaxTemplateChars"/>). The miner is its own
/// Orleans-serializable state: the templates and their routes are serialized, the tree is rebuilt from them, so a
/// restored miner gives the same ids and the same future assignments. Not thread-safe: one grain owns one miner.
/// </remarks>
[GenerateSerializer, Alias("otlpgrains.logs.LogTemplateMiner")]
public sealed class LogTemplateMiner
{
    /// <summary>The id of the <c>other</c> template, which takes the lines beyond the bounds.</summary>
    public const int OtherId = 0;

    /// <summary>The text of the <c>other</c> template.</summary>
    public const string OtherText = "other";

    [Id(0)] private readonly LogMinerOptions _options;
    [Id(1)] private readonly List<LogTemplate> _templates = [];
    [Id(2)] private long _otherCount;
    [Id(3)] private int _templateChars;

    [NonSerialized] private LogParseTree? _tree;
    [NonSerialized] private MaskedLine? _line;

    public LogTemplateMiner(LogMinerOptions options)
    {
        options.Validate();
        _options = options;
    }

    public LogMinerOptions Options => _options;

    /// <summary>Templates handed out, <c>other</c> not included.</summary>
    public int Count => _templates.Count;

    /// <summary>Lines that went to <c>other</c>.</summary>
    public long OtherCount => _otherCount;

    /// <summary>The templates in id order (id 1 first).</summary>
    public IReadOnlyList<LogTemplate> Templates => _templates;

    /// <summary>The id of the template <paramref name="body"/> belongs to, learning the line on the way.</summary>
    public int Match(ReadOnlySpan<char> body) => Match(body, out _);

    /// <summary>
    /// The id of the template <paramref name="body"/> belongs to; <paramref name="created"/> tells whether this line
    /// started it (a new template, for the window's "new templates").
    /// </summary>
    public int Match(ReadOnlySpan<char> body, out bool created)
    {
        _line ??= new MaskedLine();
        LogMasker.Mask(body, _line, _options.MaxTokens, _options.MaxTokenChars);
        int before = _templates.Count;
        int id = Match(_line);
        created = _templates.Count > before;
        return id;
    }

    /// <summary>The text of template <paramref name="id"/> (<see cref="OtherText"/> for <see cref="OtherId"/>).</summary>
    public string Template(int id) => id == OtherId
        ? OtherText
        : id > 0 && id <= _templates.Count
            ? _templates[id - 1].Text
            : throw new ArgumentOutOfRangeException(nameof(id), id, $"no template {id}: the miner has {_templates.Count}");

    private int Match(MaskedLine line)
    {
        LogParseTree tree = _tree ??= Rebuild();
        List<int>? leaf = tree.Leaf(line, _options.RouteTokens, out int overflowed);
        LogTemplate? best = leaf is null ? null : Closest(leaf, line, overflowed);
        if (best is null && _options.RouteTokens >= 2 && tree.Cousins(line) is { Count: > 0 } cousins)
        {
            best = SameButSecond(cousins, line);
        }

        if (best is not null)
        {
            Generalise(best, line);
            best.Count++;
            return best.Id;
        }

        int chars = 0;
        for (int i = 0; i < line.Count; i++)
        {
            chars += line.Token(i).Length + 1;
        }

        if (_templates.Count >= _options.MaxTemplates || _templateChars + chars > _options.MaxTemplateChars)
        {
            _otherCount++;
            return OtherId;
        }

        var tokens = new string[line.Count];
        for (int i = 0; i < tokens.Length; i++)
        {
            tokens[i] = line.Token(i).ToString();
        }

        var template = new LogTemplate(_templates.Count + 1, tokens, tree.RouteFor(line, _options.RouteTokens)) { Count = 1 };
        _templates.Add(template);
        _templateChars += chars;
        tree.Add(tokens.Length, template.Route, template.Id);
        return template.Id;
    }

    /// <summary>
    /// The template of the leaf with the largest share of exactly matching positions, if that share reaches
    /// <see cref="LogMinerOptions.Similarity"/>; ties go to the template with more wildcards, then the older one.
    /// Positions whose tree node overflowed (<paramref name="overflowed"/>) count as matching: they hold a variable,
    /// and a flood of unique words there must not make a template per line.
    /// </summary>
    private LogTemplate? Closest(List<int> leaf, MaskedLine line, int overflowed)
    {
        LogTemplate? best = null;
        double bestSimilarity = -1;
        int bestWildcards = -1;
        foreach (int id in leaf)
        {
            LogTemplate template = _templates[id - 1];
            int same = 0, wildcards = 0, agreed = 0;
            bool settled = template.Count >= _options.SettleAfter, refused = false;
            string[] tokens = template.Tokens;
            for (int i = 0; i < tokens.Length; i++)
            {
                string token = tokens[i];
                if (i < 31 && (overflowed & (1 << i)) != 0)
                {
                    same++;
                    wildcards += token == LogMasker.Wildcard ? 1 : 0;
                }
                else if (token == LogMasker.Wildcard)
                {
                    wildcards++;
                    agreed += line.Token(i).Contains(LogMasker.Wildcard, StringComparison.Ordinal) ? 1 : 0;
                }
                else if (TemplateToken.Matches(token, line.Token(i)))
                {
                    same++;
                }
                else if (settled && !token.Contains(LogMasker.Wildcard, StringComparison.Ordinal) && !TemplateToken.KeepsStructure(token, line.Token(i)))
                {
                    refused = true;
                    break;
                }
            }

            if (refused)
            {
                continue;
            }

            // A line that matches every literal and has masked values wherever the template has wildcards is the
            // template's own shape: it joins however many wildcards there are (else a body that masks to "<*>" alone
            // would start a template per line).
            double similarity = tokens.Length == 0 || same + agreed == tokens.Length ? 1 : (double)same / tokens.Length;
            if (similarity > bestSimilarity || (similarity == bestSimilarity && wildcards > bestWildcards))
            {
                best = template;
                bestSimilarity = similarity;
                bestWildcards = wildcards;
            }
        }

        return bestSimilarity >= _options.Similarity ? best : null;
    }

    /// <summary>
    /// The oldest template elsewhere under the line's first token that the line matches everywhere but in its second
    /// token, with at least two words matching after it: a variable in the second token (<c>user alice logged in</c>)
    /// routed the line to a branch of its own. The second token follows the settle rule of <see cref="Closest"/>.
    /// </summary>
    private LogTemplate? SameButSecond(List<int> cousins, MaskedLine line)
    {
        LogTemplate? oldest = null;
        foreach (int id in cousins)
        {
            LogTemplate template = _templates[id - 1];
            if (oldest is not null && id > oldest.Id)
            {
                continue;
            }

            string[] tokens = template.Tokens;
            bool all = TemplateToken.Matches(tokens[1], line.Token(1))
                || template.Count < _options.SettleAfter
                || TemplateToken.KeepsStructure(tokens[1], line.Token(1));
            int words = 0;
            for (int i = 0; all && i < tokens.Length; i++)
            {
                all = i == 1 || tokens[i] == LogMasker.Wildcard || TemplateToken.Matches(tokens[i], line.Token(i));
                words += i >= 2 && all && !tokens[i].Contains(LogMasker.Wildcard, StringComparison.Ordinal) ? 1 : 0;
            }

            if (all && words >= 2)
            {
                oldest = template;
            }
        }

        return oldest;
    }

    private void Generalise(LogTemplate template, MaskedLine line)
    {
        string[] tokens = template.Tokens;
        for (int i = 0; i < tokens.Length; i++)
        {
            string token = tokens[i];
            if (token != LogMasker.Wildcard && !TemplateToken.Matches(token, line.Token(i)))
            {
                string general = TemplateToken.Generalise(token, line.Token(i));
                _templateChars += general.Length - token.Length;
                template.Generalise(i, general);
            }
        }
    }

    private LogParseTree Rebuild()
    {
        var tree = new LogParseTree(_options.MaxChildren);
        foreach (LogTemplate template in _templates)
        {
            tree.Add(template.Tokens.Length, template.Route, template.Id);
        }

        return tree;
    }
}

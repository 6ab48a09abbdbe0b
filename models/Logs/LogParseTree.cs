namespace OtlpGrains.Models.Logs;

/// <summary>
/// The fixed-depth parse tree of a <see cref="LogTemplateMiner"/> (after Drain): lines are filed by token count,
/// then by their first <see cref="LogMinerOptions.RouteTokens"/> tokens, and each leaf holds the ids of the
/// templates a line there may join. It is derived state: the miner rebuilds it from the templates' routes.
/// </summary>
internal sealed class LogParseTree
{
    private readonly Dictionary<int, Node> _byLength = [];
    private readonly int _maxChildren;

    public LogParseTree(int maxChildren) => _maxChildren = maxChildren;

    /// <summary>
    /// The leaf a line with these route keys may match in, or null when the tree has none. <paramref name="overflowed"/>
    /// has bit <c>i</c> set when token <c>i</c> took the wildcard child of a full node: so many values have been seen
    /// there that the position is a variable.
    /// </summary>
    public List<int>? Leaf(MaskedLine line, int routeTokens, out int overflowed)
    {
        overflowed = 0;
        if (!_byLength.TryGetValue(line.Count, out Node? node))
        {
            return null;
        }

        int depth = Math.Min(routeTokens, line.Count);
        for (int level = 0; level < depth; level++)
        {
            ReadOnlySpan<char> key = RouteKey(line.Token(level));
            if (!node.Lookup.TryGetValue(key, out Node? child))
            {
                if (node.Children.Count < _maxChildren || !node.Children.TryGetValue(LogMasker.Wildcard, out child))
                {
                    return null;
                }

                overflowed |= 1 << level;
            }

            node = child;
        }

        return node.Templates;
    }

    /// <summary>
    /// Every template filed under the line's first token, whatever its later tokens: where a line finds no template in
    /// its own leaf, a variable in its second token (<c>user alice logged in</c>) may have sent it to a new branch.
    /// </summary>
    public List<int>? Cousins(MaskedLine line)
    {
        if (line.Count < 2 || !_byLength.TryGetValue(line.Count, out Node? node)
            || !node.Lookup.TryGetValue(RouteKey(line.Token(0)), out Node? first))
        {
            return null;
        }

        _cousins.Clear();
        Collect(first, _cousins);
        return _cousins;
    }

    private readonly List<int> _cousins = [];

    private static void Collect(Node node, List<int> into)
    {
        into.AddRange(node.Templates);
        foreach (Node child in node.Children.Values)
        {
            Collect(child, into);
        }
    }

    /// <summary>The route a new template of this line is filed under: its keys, a wildcard where a node is full.</summary>
    public string[] RouteFor(MaskedLine line, int routeTokens)
    {
        int depth = Math.Min(routeTokens, line.Count);
        var route = new string[depth];
        _byLength.TryGetValue(line.Count, out Node? node);
        for (int level = 0; level < depth; level++)
        {
            ReadOnlySpan<char> key = RouteKey(line.Token(level));
            Node? child = null;
            if (node is not null && node.Lookup.TryGetValue(key, out child))
            {
                route[level] = child.Key;
            }
            else if (node is not null && node.Children.Count >= _maxChildren - 1 && !key.SequenceEqual(LogMasker.Wildcard))
            {
                // The last slot of a full node is the wildcard child that every further key shares.
                route[level] = LogMasker.Wildcard;
                node.Children.TryGetValue(LogMasker.Wildcard, out child);
            }
            else
            {
                route[level] = key.ToString();
            }

            node = child;
        }

        return route;
    }

    /// <summary>Files template <paramref name="id"/> under its route, creating the nodes on the way.</summary>
    public void Add(int length, string[] route, int id)
    {
        if (!_byLength.TryGetValue(length, out Node? node))
        {
            node = new Node(string.Empty);
            _byLength.Add(length, node);
        }

        foreach (string key in route)
        {
            if (!node.Children.TryGetValue(key, out Node? child))
            {
                child = new Node(key);
                node.Children.Add(key, child);
            }

            node = child;
        }

        node.Templates.Add(id);
    }

    /// <summary>Tokens with digits or wildcards route as a wildcard: a value must not open a branch of its own.</summary>
    private static ReadOnlySpan<char> RouteKey(ReadOnlySpan<char> token) =>
        token.Contains(LogMasker.Wildcard, StringComparison.Ordinal) || token.ContainsAnyInRange('0', '9')
            ? LogMasker.Wildcard
            : token;

    private sealed class Node
    {
        public Node(string key)
        {
            Key = key;
            Lookup = Children.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public string Key { get; }

        public Dictionary<string, Node> Children { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Node>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; }

        public List<int> Templates { get; } = [];
    }
}

using System.Text.RegularExpressions;

namespace OtlpGrains.Deploy.Tests;

/// <summary>
/// What a dashboard's PromQL expression reads: each series selector (metric name and the labels its matchers use), and
/// the labels each <c>by (...)</c> groups by together with the selectors inside that aggregation, and the labels each
/// <c>on (...)</c> or <c>ignoring (...)</c> matches on. Enough of PromQL for dashboards, not a full parser: grouping
/// must come before the aggregation's argument (<c>sum by (a) (x)</c>), and a selector must name its metric.
/// </summary>
internal sealed partial class PromQlReferences
{
    private static readonly HashSet<string> Aggregations =
        ["sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "group"];

    private static readonly HashSet<string> Keywords =
        ["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan"];

    private PromQlReferences()
    {
    }

    /// <summary>Each selector: its metric name and the labels its matchers name.</summary>
    public List<(string Metric, List<string> Labels)> Selectors { get; } = [];

    /// <summary>Each <c>by (...)</c>: its labels and the indexes in <see cref="Selectors"/> of the selectors it aggregates.</summary>
    public List<(List<string> Labels, List<int> Selectors)> Groupings { get; } = [];

    /// <summary>Labels of <c>on (...)</c>, <c>ignoring (...)</c> and <c>group_left/right (...)</c>: both sides must have them.</summary>
    public List<string> MatchingLabels { get; } = [];

    /// <summary>Grafana variables the expression uses (<c>$name</c>, <c>${name}</c>, <c>${name:format}</c>, <c>[[name]]</c>), built-ins (<c>$__...</c>) excluded.</summary>
    public List<string> Variables { get; } = [];

    /// <summary>The Grafana variables <paramref name="text"/> uses, built-ins (<c>$__...</c>) excluded.</summary>
    public static IEnumerable<string> ParseVariables(string text)
    {
        foreach (Match variable in VariablePattern().Matches(text))
        {
            string name = variable.Groups["a"].Success ? variable.Groups["a"].Value : variable.Groups["b"].Success ? variable.Groups["b"].Value : variable.Groups["c"].Value;
            if (!name.StartsWith("__", StringComparison.Ordinal))
            {
                yield return name;
            }
        }
    }

    /// <summary>Parses <paramref name="expression"/>; throws <see cref="FormatException"/> with one line on what it cannot read.</summary>
    public static PromQlReferences Parse(string expression)
    {
        var references = new PromQlReferences();
        references.Variables.AddRange(ParseVariables(expression));

        new Reader(Tokenize(expression), references, expression).Read();
        return references;
    }

    private static List<string> Tokenize(string expression)
    {
        var tokens = new List<string>();
        int i = 0;
        while (i < expression.Length)
        {
            char c = expression[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '"' or '\'' or '`')
            {
                int end = expression.IndexOf(c, i + 1);
                while (end > 0 && c != '`' && expression[end - 1] == '\\')
                {
                    end = expression.IndexOf(c, end + 1);
                }

                if (end < 0)
                {
                    throw new FormatException($"unterminated string in: {expression}");
                }

                tokens.Add(expression[i..(end + 1)]);
                i = end + 1;
            }
            else if (c == '[')
            {
                // A range or subquery duration, possibly a Grafana variable: nothing in it is a series.
                int end = expression.IndexOf(']', i);
                if (end < 0)
                {
                    throw new FormatException($"unterminated range in: {expression}");
                }

                tokens.Add("[]");
                i = end + 1;
            }
            else if (char.IsLetter(c) || c is '_' or ':')
            {
                int start = i;
                while (i < expression.Length && (char.IsLetterOrDigit(expression[i]) || expression[i] is '_' or ':'))
                {
                    i++;
                }

                tokens.Add(expression[start..i]);
            }
            else if (char.IsDigit(c) || (c == '.' && i + 1 < expression.Length && char.IsDigit(expression[i + 1])))
            {
                int start = i;
                while (i < expression.Length && (char.IsLetterOrDigit(expression[i]) || expression[i] is '.' or '+' or '-') &&
                       !((expression[i] is '+' or '-') && expression[i - 1] is not ('e' or 'E')))
                {
                    i++;
                }

                tokens.Add("#" + expression[start..i]);
            }
            else if (c == '$')
            {
                // A Grafana variable outside a range (a threshold, say): a value, not a series.
                Match variable = VariablePattern().Match(expression, i);
                int length = variable.Success && variable.Index == i ? variable.Length : 1;
                tokens.Add(string.Concat("#", expression.AsSpan(i, length)));
                i += length;
            }
            else
            {
                int length = i + 1 < expression.Length && expression.Substring(i, 2) is "==" or "!=" or ">=" or "<=" or "=~" or "!~" ? 2 : 1;
                tokens.Add(expression.Substring(i, length));
                i += length;
            }
        }

        return tokens;
    }

    [GeneratedRegex(@"\$\{(?<a>[A-Za-z0-9_.]+)(?::[^}]*)?\}|\$(?<b>[A-Za-z0-9_]+)|\[\[(?<c>[A-Za-z0-9_]+)(?::[^\]]*)?\]\]")]
    private static partial Regex VariablePattern();

    private sealed class Reader(List<string> tokens, PromQlReferences references, string expression)
    {
        private int _at;

        public void Read()
        {
            while (_at < tokens.Count)
            {
                Step();
            }
        }

        private void Step()
        {
            string token = tokens[_at];
            string? next = _at + 1 < tokens.Count ? tokens[_at + 1] : null;
            if (!IsIdentifier(token))
            {
                if (token == "{")
                {
                    throw new FormatException($"a selector without a metric name in: {expression}");
                }

                _at++;
                return;
            }

            if (Aggregations.Contains(token))
            {
                _at++;
                if (_at < tokens.Count && tokens[_at] is "by" or "without")
                {
                    bool by = tokens[_at] == "by";
                    _at++;
                    List<string> labels = LabelList();
                    if (_at >= tokens.Count || tokens[_at] != "(")
                    {
                        throw new FormatException($"'{token} by (...)' must be followed by its argument in: {expression}");
                    }

                    int first = references.Selectors.Count;
                    ReadParenthesised();
                    if (by)
                    {
                        references.Groupings.Add((labels, [.. Enumerable.Range(first, references.Selectors.Count - first)]));
                    }
                }
                else if (_at < tokens.Count && tokens[_at] == "(")
                {
                    ReadParenthesised();
                    if (_at < tokens.Count && tokens[_at] is "by" or "without")
                    {
                        throw new FormatException($"write '{token} by (...) (...)', grouping first, in: {expression}");
                    }
                }

                return;
            }

            if (token is "on" or "ignoring" or "group_left" or "group_right")
            {
                _at++;
                if (_at < tokens.Count && tokens[_at] == "(")
                {
                    references.MatchingLabels.AddRange(LabelList());
                }

                return;
            }

            if (Keywords.Contains(token) || next == "(")
            {
                // A keyword, or a function: its arguments are read as the loop goes on.
                _at++;
                return;
            }

            _at++;
            var matcherLabels = new List<string>();
            if (_at < tokens.Count && tokens[_at] == "{")
            {
                _at++;
                while (_at < tokens.Count && tokens[_at] != "}")
                {
                    if (IsIdentifier(tokens[_at]) && _at + 2 < tokens.Count && tokens[_at + 1] is "=" or "!=" or "=~" or "!~")
                    {
                        matcherLabels.Add(tokens[_at]);
                        _at += 3;
                    }
                    else if (tokens[_at] == ",")
                    {
                        _at++;
                    }
                    else
                    {
                        throw new FormatException($"cannot read the matcher at '{tokens[_at]}' in: {expression}");
                    }
                }

                _at++;
            }

            references.Selectors.Add((token, matcherLabels));
        }

        private void ReadParenthesised()
        {
            int depth = 0;
            do
            {
                if (tokens[_at] == "(")
                {
                    depth++;
                    _at++;
                }
                else if (tokens[_at] == ")")
                {
                    depth--;
                    _at++;
                }
                else
                {
                    Step();
                }
            }
            while (depth > 0 && _at < tokens.Count);
        }

        private List<string> LabelList()
        {
            if (_at >= tokens.Count || tokens[_at] != "(")
            {
                throw new FormatException($"expected a label list in: {expression}");
            }

            var labels = new List<string>();
            _at++;
            while (_at < tokens.Count && tokens[_at] != ")")
            {
                if (IsIdentifier(tokens[_at]))
                {
                    labels.Add(tokens[_at]);
                }

                _at++;
            }

            _at++;
            return labels;
        }

        private static bool IsIdentifier(string token) => token.Length > 0 && (char.IsLetter(token[0]) || token[0] is '_' or ':');
    }
}

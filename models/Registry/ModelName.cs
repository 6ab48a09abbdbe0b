namespace OtlpGrains.Models.Registry;

/// <summary>
/// The rule for model names: 1 to 64 of <c>a-z 0-9 . _ -</c>, starting with a letter or digit. Names end up in
/// URLs, stream keys and artifact keys (<c>name/version</c>), so nothing that needs escaping is allowed.
/// </summary>
public static class ModelName
{
    public const int MaxLength = 64;

    /// <summary>Null when <paramref name="name"/> is valid, else the one-line reason.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "model name is empty";
        }

        if (name.Length > MaxLength)
        {
            return $"model name is longer than {MaxLength} characters";
        }

        if (!char.IsAsciiLetterLower(name[0]) && !char.IsAsciiDigit(name[0]))
        {
            return $"model name '{name}' must start with a lower-case letter or a digit";
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c is not ('.' or '_' or '-'))
            {
                return $"model name '{name}' may hold only a-z, 0-9, '.', '_' and '-'";
            }
        }

        return null;
    }
}

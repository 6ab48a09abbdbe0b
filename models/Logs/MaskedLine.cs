namespace OtlpGrains.Models.Logs;

/// <summary>
/// The masked tokens of one log line, packed in one reusable character buffer so that masking a line allocates
/// nothing once the buffers have grown to the longest line seen.
/// </summary>
public sealed class MaskedLine
{
    private char[] _chars = new char[512];
    private int[] _starts = new int[64];
    private int[] _lengths = new int[64];
    private bool[] _quantities = new bool[64];
    private int _length;

    /// <summary>Tokens of the line.</summary>
    public int Count { get; private set; }

    /// <summary>Token <paramref name="index"/>, with <c>&lt;*&gt;</c> where the masker found a variable.</summary>
    public ReadOnlySpan<char> Token(int index) => _chars.AsSpan(_starts[index], _lengths[index]);

    /// <summary>The tokens joined by single spaces: the line as a template would read it.</summary>
    public override string ToString() => string.Join(' ', Enumerable.Range(0, Count).Select(i => Token(i).ToString()));

    internal void Clear()
    {
        Count = 0;
        _length = 0;
    }

    /// <summary>Starts a token at the end of the buffer; <see cref="EndToken"/> closes it.</summary>
    internal void BeginToken()
    {
        if (Count == _starts.Length)
        {
            Array.Resize(ref _starts, Count * 2);
            Array.Resize(ref _lengths, Count * 2);
            Array.Resize(ref _quantities, Count * 2);
        }

        _starts[Count] = _length;
        _quantities[Count] = false;
    }

    /// <summary>Characters written to the open token so far.</summary>
    internal ReadOnlySpan<char> Open => _chars.AsSpan(_starts[Count], _length - _starts[Count]);

    internal void Append(char c)
    {
        if (_length == _chars.Length)
        {
            Array.Resize(ref _chars, _chars.Length * 2);
        }

        _chars[_length++] = c;
    }

    internal void Append(ReadOnlySpan<char> text)
    {
        if (_length + text.Length > _chars.Length)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _length + text.Length));
        }

        text.CopyTo(_chars.AsSpan(_length));
        _length += text.Length;
    }

    /// <summary>Replaces what the open token holds so far.</summary>
    internal void ResetOpen() => _length = _starts[Count];

    internal void EndToken()
    {
        _lengths[Count] = _length - _starts[Count];
        Count++;
    }

    /// <summary>
    /// Ends the open token by gluing its characters from <paramref name="keepFrom"/> on to the previous token: the
    /// open token was a restatement of the previous variable (a unit, a value in parentheses) and only its trailing
    /// punctuation stays.
    /// </summary>
    internal void FoldOpenIntoPrevious(int keepFrom)
    {
        int start = _starts[Count];
        int tail = _length - start - keepFrom;
        _chars.AsSpan(start + keepFrom, tail).CopyTo(_chars.AsSpan(start));
        _length = start + tail;
        _lengths[Count - 1] += tail;
    }

    /// <summary>Folds the last closed token into the one before it, as <see cref="FoldOpenIntoPrevious"/> does.</summary>
    internal void FoldLastIntoPrevious(int keepFrom)
    {
        Count--;
        FoldOpenIntoPrevious(keepFrom);
    }

    /// <summary>
    /// Replaces tokens <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1 by one token
    /// <paramref name="text"/>, no longer than they were together.
    /// </summary>
    internal void ReplaceRun(int first, int count, ReadOnlySpan<char> text)
    {
        int start = _starts[first];
        int end = _starts[first + count - 1] + _lengths[first + count - 1];
        if (text.Length > end - start)
        {
            throw new ArgumentException("the replacement is longer than the run", nameof(text));
        }

        text.CopyTo(_chars.AsSpan(start));
        int shift = end - start - text.Length;
        _chars.AsSpan(end, _length - end).CopyTo(_chars.AsSpan(end - shift));
        _length -= shift;
        _lengths[first] = text.Length;
        int removed = count - 1;
        for (int i = first + 1; i + removed < Count; i++)
        {
            _starts[i] = _starts[i + removed] - shift;
            _lengths[i] = _lengths[i + removed];
            _quantities[i] = _quantities[i + removed];
        }

        Count -= removed;
    }

    /// <summary>Marks the last closed token as a number with its unit (<c>0 bytes</c>, <c>1.15 KB</c>).</summary>
    internal void MarkQuantity() => _quantities[Count - 1] = true;

    internal bool IsQuantity(int index) => _quantities[index];

    /// <summary>Drops the last <paramref name="count"/> characters written to the open token.</summary>
    internal void TrimOpen(int count) => _length -= count;

    /// <summary>The last closed token.</summary>
    internal ReadOnlySpan<char> Previous => Count == 0 ? default : Token(Count - 1);
}

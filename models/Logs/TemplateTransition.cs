namespace OtlpGrains.Models.Logs;

/// <summary>
/// A pair of template ids packed in one key: <c>From</c> then <c>To</c> in the same span. The start key of a template,
/// <see cref="Start"/>, has no <c>From</c> (-1): it counts the spans that logged the template. A span's operation takes
/// part as a step below -1 (<see cref="Operation"/>): its start key counts the operation's spans, and "operation, then
/// template B" the spans of it whose first line was B.
/// </summary>
public static class TemplateTransition
{
    public static long Key(int from, int to) => ((long)from << 32) | (uint)to;

    public static long Start(int template) => Key(-1, template);

    public static bool IsStart(long key) => From(key) == -1;

    /// <summary>The step of operation id <paramref name="operationId"/> (0 or more).</summary>
    public static int Operation(int operationId) => -2 - operationId;

    /// <summary>True for an operation's step; <see cref="OperationId"/> gives its id.</summary>
    public static bool IsOperation(int step) => step <= -2;

    public static int OperationId(int step) => -2 - step;

    public static int From(long key) => (int)(key >> 32);

    public static int To(long key) => (int)(uint)key;
}

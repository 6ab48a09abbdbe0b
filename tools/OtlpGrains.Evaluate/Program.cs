// Evaluation commands over the data sets in ../shared/data.
using OtlpGrains.Evaluate;

return args is ["nab", .. var rest]
    ? NabCommand.Run(rest, Console.Out, Console.Error)
    : Usage.Fail(Console.Error, "expected a command");

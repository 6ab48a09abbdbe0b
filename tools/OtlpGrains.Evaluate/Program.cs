// Evaluation commands over the data sets in ../shared/data, training against a running cluster, and replays and simulations into one.
using OtlpGrains.Evaluate;
using OtlpGrains.Evaluate.Rca;
using OtlpGrains.Evaluate.Replay;
using OtlpGrains.Evaluate.Simulation;
using OtlpGrains.Evaluate.Training;

return args switch
{
    ["nab", .. var rest] => NabCommand.Run(rest, Console.Out, Console.Error),
    ["loghub", .. var rest] => LoghubCommand.Run(rest, Console.Out, Console.Error),
    ["train", .. var rest] => TrainCommand.Run(rest, Console.Out, Console.Error),
    ["replay", .. var rest] => ReplayCommand.Run(rest, Console.Out, Console.Error),
    ["eval-rca", .. var rest] => EvalRcaCommand.Run(rest, Console.Out, Console.Error),
    ["simulate", .. var rest] => SimulateCommand.Run(rest, Console.Out, Console.Error),
    _ => Usage.Fail(Console.Error, "expected a command"),
};

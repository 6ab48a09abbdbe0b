// Evaluation commands. Not written yet: the NAB command comes with the scorer (issue #8).
Console.Error.WriteLine("usage: OtlpGrains.Evaluate nab <nab-dir>");
return 2;

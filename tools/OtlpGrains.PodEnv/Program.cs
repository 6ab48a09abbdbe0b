using OtlpGrains.PodEnv;

return PodEnvCommand.Run(args, Console.In, Console.Out, Console.Error);

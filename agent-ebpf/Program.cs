// The agent's command line arrives with the capture layer; until then the agent says so and fails clearly.
Console.Error.WriteLine("otlpgrains-agent: the capture layer is not built yet (issue #4)");
return 1;

using Mitzvah.Bench;

return await SendBenchmark.MainAsync(args);

using Mitzvah.Bench;

return args is ["callbacks", ..] ? await CallbackBenchmark.MainAsync(args) : await SendBenchmark.MainAsync(args);

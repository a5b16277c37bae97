using Mitzvah.Bench;

return args switch
{
    ["callbacks", ..] => await CallbackBenchmark.MainAsync(args),
    ["ticks", ..] => await TickBenchmark.MainAsync(args),
    ["mail", ..] => await MailBenchmark.MainAsync(args),
    _ => await SendBenchmark.MainAsync(args),
};

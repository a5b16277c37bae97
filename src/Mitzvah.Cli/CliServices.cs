using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mitzvah.Core;
using Mitzvah.Sqlite;
using Mitzvah.Twilio;

namespace Mitzvah.Cli;

/// <summary>The command line's composition root: configuration from the environment, the embedded SQLite store.</summary>
internal static class CliServices
{
    public const string DatabaseVariable = "MITZVAH_DB";
    public const string DefaultDatabase = "mitzvah.db";

    public static IConfiguration Configuration(IEnumerable<KeyValuePair<string, string?>>? overrides = null) =>
        new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides ?? [])
            .Build();

    /// <summary>The database path: <c>--db</c>, else <c>MITZVAH_DB</c>, else <c>mitzvah.db</c> in the working directory.</summary>
    public static string DatabasePath(string? option, IConfiguration configuration) =>
        Path.GetFullPath(option is { Length: > 0 } ? option : configuration[DatabaseVariable] is { Length: > 0 } fromEnvironment ? fromEnvironment : DefaultDatabase);

    public static IServiceCollection AddMitzvahCli(this IServiceCollection services, IConfiguration configuration, string databasePath, TextWriter log)
    {
        services.AddSingleton(configuration);
        services.AddLogging(logging => logging.AddProvider(new CliLoggerProvider(log)).SetMinimumLevel(LogLevel.Information));
        services.AddMitzvahCore(configuration);
        services.AddMitzvahTwilio(configuration);
        services.AddMitzvahSqlite(databasePath);
        return services;
    }

    public static ServiceProvider Build(IConfiguration configuration, string databasePath, TextWriter log) =>
        new ServiceCollection().AddMitzvahCli(configuration, databasePath, log).BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
}

namespace Mitzvah.Cli;

/// <summary>Arguments that parsed but make no sense together; reported as a usage error (exit code 2).</summary>
internal sealed class CliUsageException(string message) : Exception(message);

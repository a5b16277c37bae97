using Microsoft.Extensions.Logging;

namespace Mitzvah.Core.Logging;

/// <summary>
/// Writes one plain line per log entry, synchronously, to a writer: the command line's stderr (so stdout stays
/// machine-readable) or a Lambda's stdout (which must be flushed before the runtime freezes the process).
/// </summary>
/// <param name="writer">Where lines go.</param>
public sealed class TextWriterLoggerProvider(TextWriter writer) : ILoggerProvider
{
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new TextWriterLogger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        var name = category[(category.LastIndexOf('.') + 1)..];
        lock (_gate)
        {
            writer.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss} {Level(level)} {name}: {message}");
            if (exception is not null)
            {
                writer.WriteLine(exception.Message);
            }

            writer.Flush();
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Warning => "warn",
        LogLevel.Error or LogLevel.Critical => "fail",
        LogLevel.Debug or LogLevel.Trace => "dbug",
        _ => "info",
    };

    private sealed class TextWriterLogger(TextWriterLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            // The framework's own information lines (hosting, routing) would drown the product's; its warnings stay.
            var wanted = logLevel >= LogLevel.Warning || (IsEnabled(logLevel) && !category.StartsWith("Microsoft.", StringComparison.Ordinal));
            if (wanted)
            {
                provider.Write(logLevel, category, formatter(state, exception), exception);
            }
        }
    }
}

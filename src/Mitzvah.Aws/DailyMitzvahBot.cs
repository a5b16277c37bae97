namespace Mitzvah.Aws;

/// <summary>Lambda handler of the daily run: scheduler events, direct invokes and the manual trigger.</summary>
public sealed class DailyMitzvahBot
{
    /// <summary>Lambda entry point.</summary>
    public Task<Stream> Handle(Stream input) => throw new NotSupportedException("Built with the daily send.");
}

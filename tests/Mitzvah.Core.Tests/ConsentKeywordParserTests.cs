using Mitzvah.Core.Consent;

namespace Mitzvah.Core.Tests;

public sealed class ConsentKeywordParserTests
{
    [Theory]
    [InlineData("JOIN MITZVAH", ConsentKeyword.OptIn)]
    [InlineData("join mitzvah!", ConsentKeyword.OptIn)]
    [InlineData("  Join   Mitzvah. ", ConsentKeyword.OptIn)]
    [InlineData("JOIN", ConsentKeyword.OptIn)]
    [InlineData("start", ConsentKeyword.OptIn)]
    [InlineData("Yes", ConsentKeyword.OptIn)]
    [InlineData("UNSTOP", ConsentKeyword.OptIn)]
    [InlineData("subscribe", ConsentKeyword.OptIn)]
    [InlineData("restart", ConsentKeyword.Unknown)]
    [InlineData("yes please", ConsentKeyword.Unknown)]
    [InlineData("join the club", ConsentKeyword.Unknown)]
    [InlineData("STOP", ConsentKeyword.OptOut)]
    [InlineData("stop!", ConsentKeyword.OptOut)]
    [InlineData("Stop sending", ConsentKeyword.OptOut)]
    [InlineData("STOPALL", ConsentKeyword.OptOut)]
    [InlineData("stop all", ConsentKeyword.OptOut)]
    [InlineData("unsubscribe", ConsentKeyword.OptOut)]
    [InlineData("cancel", ConsentKeyword.OptOut)]
    [InlineData("END", ConsentKeyword.OptOut)]
    [InlineData("quit", ConsentKeyword.OptOut)]
    [InlineData("revoke", ConsentKeyword.OptOut)]
    [InlineData("OPTOUT", ConsentKeyword.OptOut)]
    [InlineData("opt-out", ConsentKeyword.OptOut)]
    [InlineData("status", ConsentKeyword.Status)]
    [InlineData("Status?", ConsentKeyword.Status)]
    [InlineData("HELP", ConsentKeyword.Help)]
    [InlineData("info", ConsentKeyword.Help)]
    [InlineData("shalom", ConsentKeyword.Unknown)]
    [InlineData("", ConsentKeyword.Unknown)]
    [InlineData(null, ConsentKeyword.Unknown)]
    [InlineData("!!!", ConsentKeyword.Unknown)]
    public void Classifies_messages(string? body, ConsentKeyword expected)
    {
        Assert.Equal(expected, ConsentKeywordParser.Parse(body));
    }
}

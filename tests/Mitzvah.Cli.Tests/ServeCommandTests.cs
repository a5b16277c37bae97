using System.Net;
using System.Net.Sockets;

namespace Mitzvah.Cli.Tests;

public sealed class ServeCommandTests
{
    [Fact]
    public async Task A_port_that_is_taken_is_reported_in_one_line()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var db = Path.Combine(Path.GetTempPath(), $"mitzvah-serve-{Guid.NewGuid():N}.db");

        var run = await CliRun.RunAsync("serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--db", db);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Contains($"mitzvah: cannot listen on 127.0.0.1:{port}", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("70000")]
    [InlineData("-1")]
    [InlineData("http")]
    public async Task A_bad_port_is_a_usage_error(string port)
    {
        var run = await CliRun.RunAsync("serve", "--port", port);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}

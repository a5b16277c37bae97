using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mitzvah.Testing.StandIns;

/// <summary>
/// A local stand-in server (dynalite, Azurite, Prism) run with Node from the pinned tools folder, on 127.0.0.1 and a
/// free port, stopped on dispose. When the environment variable named by the caller holds a URL (CI starts the
/// servers once for the whole run), that server is used instead and nothing is started.
/// </summary>
public sealed class NodeServer : IAsyncDisposable
{
    private readonly Process? _process;
    private readonly StringBuilder _output = new();

    // Released for every line the server prints: each server announces that it listens, so a connection is tried
    // after each line instead of on a timer.
    private readonly SemaphoreSlim _printed = new(0);

    private NodeServer(Uri baseUrl, Process? process)
    {
        BaseUrl = baseUrl;
        _process = process;
    }

    /// <summary>Where the server listens, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Starts <paramref name="script"/> (relative to <c>tools/node_modules</c>) and waits until it accepts connections.</summary>
    /// <param name="environmentVariable">Names a variable that, when set to a URL, points at an already running server.</param>
    /// <param name="script">The server's entry script, e.g. <c>dynalite/cli.js</c>.</param>
    /// <param name="arguments">Arguments; <c>{port}</c> is replaced by the chosen port.</param>
    /// <param name="startupTimeout">How long the server may take to listen.</param>
    /// <param name="otherPorts">Further ports the server opens (maildev's SMTP beside its web port), waited for the same way.</param>
    public static async Task<NodeServer> StartAsync(
        string environmentVariable, string script, IReadOnlyList<string> arguments, TimeSpan startupTimeout, IReadOnlyList<int>? otherPorts = null)
    {
        var existing = Environment.GetEnvironmentVariable(environmentVariable);
        if (!string.IsNullOrWhiteSpace(existing))
        {
            return new NodeServer(new Uri(existing.TrimEnd('/')), process: null);
        }

        var scriptPath = Path.Combine(RepositoryPaths.NodeModules, script);
        if (!File.Exists(scriptPath))
        {
            throw new InvalidOperationException($"{scriptPath} is missing: run `npm ci --prefix tools` first.");
        }

        var port = FreePort();
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(scriptPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument.Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var server = new NodeServer(new Uri($"http://127.0.0.1:{port}"), process);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var startup = new CancellationTokenSource(startupTimeout);
        var exited = process.WaitForExitAsync(CancellationToken.None);
        try
        {
            while (!await AcceptsAsync(port) || !await AllAcceptAsync(otherPorts ?? []))
            {
                var printed = server._printed.WaitAsync(startup.Token);
                if (await Task.WhenAny(printed, exited) == exited)
                {
                    throw new InvalidOperationException($"{script} exited with {process.ExitCode}: {server.Output}");
                }

                await printed;
            }

            return server;
        }
        catch (OperationCanceledException) when (startup.IsCancellationRequested)
        {
            // Falls through to the timeout below.
        }

        await server.DisposeAsync();
        throw new TimeoutException($"{script} did not listen on {port} within {startupTimeout}: {server.Output}");
    }

    /// <summary>What the server printed so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        _printed.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 64 * 1024)
            {
                _output.AppendLine(line);
            }
        }

        _printed.Release();
    }

    private static async Task<bool> AllAcceptAsync(IReadOnlyList<int> ports)
    {
        foreach (var other in ports)
        {
            if (!await AcceptsAsync(other))
            {
                return false;
            }
        }

        return true;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

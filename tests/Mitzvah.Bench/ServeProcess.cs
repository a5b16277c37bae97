using System.Diagnostics;
using System.Text;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.Bench;

/// <summary><c>mitzvah serve --port 0</c> as its own process, the built program copied next to the bench.</summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    private const string Listening = "Listening on ";
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServeProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>What it wrote to stdout and stderr so far (its log goes to stderr).</summary>
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

    public static async Task<ServeProcess> StartAsync(string databasePath, LoopbackTwilio twilio)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "mitzvah.dll"), "serve", "--port", "0", "--db", databasePath })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["TWILIO_AUTH_TOKEN"] = twilio.AuthToken;
        start.Environment["TWILIO_WHATSAPP_NUMBER"] = "+14155238886";
        var serve = new ServeProcess(Process.Start(start)!);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        serve._process.OutputDataReceived += (_, line) =>
        {
            serve.Append(line.Data);
            if (line.Data?.StartsWith(Listening, StringComparison.Ordinal) == true)
            {
                listening.TrySetResult(new Uri(line.Data[Listening.Length..].Split(' ')[0]));
            }
        };
        serve._process.ErrorDataReceived += (_, line) => serve.Append(line.Data);
        serve._process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("mitzvah serve exited:\n" + serve.Output));
        serve._process.EnableRaisingEvents = true;
        serve._process.BeginOutputReadLine();
        serve._process.BeginErrorReadLine();
        try
        {
            serve.BaseAddress = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return serve;
        }
        catch
        {
            await serve.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

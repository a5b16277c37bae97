using System.Diagnostics;
using Mitzvah.Core.Sending;

namespace Mitzvah.Cli;

/// <summary>A one-line progress bar on a terminal's stderr, redrawn at most ten times a second.</summary>
internal sealed class ProgressBar(TextWriter terminal) : IProgress<SendProgress>, IDisposable
{
    private const int Width = 30;
    private readonly Lock _gate = new();
    private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    private SendProgress _last;
    private bool _drawn;

    public void Report(SendProgress value)
    {
        lock (_gate)
        {
            _last = value;
            if (_drawn && _sinceDraw.ElapsedMilliseconds < 100 && value.Done < value.Total)
            {
                return;
            }

            Draw();
        }
    }

    public void Finish()
    {
        lock (_gate)
        {
            if (_drawn)
            {
                Draw();
                terminal.WriteLine();
                _drawn = false;
            }
        }
    }

    public void Dispose() => Finish();

    private void Draw()
    {
        var filled = _last.Total == 0 ? Width : (int)(Width * _last.Done / _last.Total);
        terminal.Write($"\r[{new string('#', filled)}{new string(' ', Width - filled)}] {_last.Done}/{_last.Total}  sent {_last.Sent}  failed {_last.Failed}   ");
        terminal.Flush();
        _drawn = true;
        _sinceDraw.Restart();
    }
}

using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Mitzvah.Core.Messages;
using Mitzvah.Core.Sending;

namespace Mitzvah.Cli;

/// <summary>
/// The local runner's messenger when no Twilio credentials are configured: each message becomes one text file,
/// <c>&lt;outbox&gt;/&lt;date&gt;/&lt;phone&gt;_&lt;id&gt;.txt</c>, headers first (the <c>Message-Form</c> the run chose among
/// them), then the text exactly as WhatsApp would show it. It stands in for a provider with a template, so the run
/// chooses by the 24-hour window as it would in production.
/// </summary>
internal sealed class OutboxMessenger : IMessenger
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public OutboxMessenger(string directory) => Directory = Path.GetFullPath(directory);

    public string Directory { get; }

    public string Kind => "outbox";

    public bool HasTemplate => true;

    public async Task<SendOutcome> SendAsync(string phone, DailyMessage message, MessageForm form, CancellationToken cancellationToken = default)
    {
        var id = "OB" + Guid.NewGuid().ToString("N");
        var folder = Path.Combine(Directory, message.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        System.IO.Directory.CreateDirectory(folder);
        var text = new StringBuilder()
            .Append("To: whatsapp:").Append(phone).Append('\n')
            .Append("Date: ").Append(message.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append('\n')
            .Append("Id: ").Append(id).Append('\n')
            .Append("Message-Form: ").Append(form == MessageForm.Template ? "template" : "freeform").Append('\n')
            .Append("Form: ").Append(message.WhatsApp.Form).Append('\n')
            .Append("Template-Variables: ").Append(JsonSerializer.Serialize(message.WhatsApp.Variables, Json)).Append('\n')
            .Append('\n')
            .Append(message.WhatsApp.Body).Append('\n')
            .ToString();

        // Write then rename, so a reader never sees half a message.
        var path = Path.Combine(folder, $"{phone}_{id}.txt");
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, text, Utf8, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path);
        return SendOutcome.Sent(id);
    }

    public async Task<string?> FindAcceptedAsync(string phone, DailyMessage message, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        var folder = Path.Combine(Directory, message.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (!System.IO.Directory.Exists(folder))
        {
            return null;
        }

        foreach (var path in System.IO.Directory.EnumerateFiles(folder, $"{phone}_*.txt"))
        {
            var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            if (text.EndsWith("\n\n" + message.WhatsApp.Body + "\n", StringComparison.Ordinal))
            {
                var name = Path.GetFileNameWithoutExtension(path);
                return name[(name.IndexOf('_', StringComparison.Ordinal) + 1)..];
            }
        }

        return null;
    }
}

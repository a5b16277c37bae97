using System.Security.Cryptography;

namespace Mitzvah.Cli;

/// <summary>
/// The local runner's link secret when <c>MAIL_LINK_SECRET</c> is not set: random, made once per database and kept
/// beside it (owner-only), so that links in mails sent yesterday still open today.
/// </summary>
internal static class LocalMailSecret
{
    public static string ReadOrCreate(string databasePath)
    {
        var path = databasePath + ".mail-secret";
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var writer = new StreamWriter(path, options);
            writer.Write(secret);
            return secret;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another command made it first: use theirs.
            return File.ReadAllText(path).Trim();
        }
    }
}

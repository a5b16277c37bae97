using Microsoft.Extensions.Options;

namespace Mitzvah.TableStorage;

/// <summary>Rejects <see cref="TableStorageOptions"/> that cannot work, naming the setting to fix.</summary>
public sealed class TableStorageOptionsValidator : IValidateOptions<TableStorageOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TableStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);

        if (hasConnectionString && options.ServiceUri is not null)
        {
            failures.Add(
                $"Both {TableStorageSettingNames.AzureTablesConnectionString} and {TableStorageSettingNames.AzureTablesEndpoint} are set; set only one: "
                + $"{TableStorageSettingNames.AzureTablesConnectionString} for a connection string (e.g. UseDevelopmentStorage=true), "
                + $"or {TableStorageSettingNames.AzureTablesEndpoint} for the table service URL reached with the managed identity.");
        }
        else if (!hasConnectionString && options.ServiceUri is null)
        {
            failures.Add(
                $"Neither {TableStorageSettingNames.AzureTablesConnectionString} nor {TableStorageSettingNames.AzureTablesEndpoint} is set; set one: "
                + $"{TableStorageSettingNames.AzureTablesConnectionString} for a connection string (e.g. UseDevelopmentStorage=true), "
                + $"or {TableStorageSettingNames.AzureTablesEndpoint} for the table service URL reached with the managed identity.");
        }

        // Bearer tokens are only ever sent over TLS, so a managed-identity endpoint must be https.
        if (options.ServiceUri is { } uri && (!uri.IsAbsoluteUri || uri.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"{TableStorageSettingNames.AzureTablesEndpoint} '{Shown(uri)}' must be an absolute https URL, e.g. https://account.table.core.windows.net.");
        }

        // A SAS token or user name in the URL would be a second, unused credential, and could leak into messages.
        if (options.ServiceUri is { IsAbsoluteUri: true } withSecrets && (withSecrets.Query.Length > 0 || withSecrets.UserInfo.Length > 0))
        {
            failures.Add(
                $"{TableStorageSettingNames.AzureTablesEndpoint} '{Shown(withSecrets)}' must be the bare table service URL, without a query string "
                + "(such as a SAS token) or user name: access comes from the managed identity.");
        }

        if (!TableNames.IsValidPrefix(options.TablePrefix))
        {
            failures.Add(
                $"{TableStorageSettingNames.AzureTablesPrefix} '{options.TablePrefix}' must be a letter followed by at most "
                + $"{TableNames.MaxPrefixLength - 1} letters or digits.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The URL without user info or query, which may hold secrets.</summary>
    private static string Shown(Uri uri) => uri.IsAbsoluteUri
        ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)
        : uri.OriginalString;
}

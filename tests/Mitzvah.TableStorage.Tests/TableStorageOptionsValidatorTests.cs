namespace Mitzvah.TableStorage.Tests;

public sealed class TableStorageOptionsValidatorTests
{
    private readonly TableStorageOptionsValidator _validator = new();

    [Fact]
    public void A_connection_string_alone_is_valid()
    {
        Assert.True(_validator.Validate(null, new TableStorageOptions { ConnectionString = "UseDevelopmentStorage=true" }).Succeeded);
    }

    [Fact]
    public void An_https_endpoint_alone_with_a_49_character_prefix_is_valid()
    {
        var options = new TableStorageOptions { ServiceUri = new Uri("https://a.table.core.windows.net"), TablePrefix = "P" + new string('x', 48) };

        Assert.True(_validator.Validate(null, options).Succeeded);
        Assert.Equal(63, options.ConsentHistoryTableName.Length);
    }

    [Fact]
    public void Default_options_fail_because_nothing_says_where_the_tables_are()
    {
        var result = _validator.Validate(null, new TableStorageOptions());

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.Contains("AZURE_TABLES_CONNECTION_STRING", failure, StringComparison.Ordinal);
        Assert.Contains("AZURE_TABLES_ENDPOINT", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var result = _validator.Validate(null, new TableStorageOptions
        {
            ConnectionString = "UseDevelopmentStorage=true",
            ServiceUri = new Uri("http://a.table.core.windows.net"),
            TablePrefix = "bad prefix",
        });

        Assert.Equal(3, result.Failures!.Count());
    }
}

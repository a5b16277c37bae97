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
        var failures = result.Failures!.ToList();
        Assert.Contains("Both", failures[0], StringComparison.Ordinal);
        Assert.Contains("AZURE_TABLES_ENDPOINT 'http://a.table.core.windows.net/' must be an absolute https URL", failures[1], StringComparison.Ordinal);
        Assert.Contains("AZURE_TABLES_PREFIX 'bad prefix'", failures[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://a.table.core.windows.net/?sv=2024-01-01&sig=c2VjcmV0", "https://a.table.core.windows.net/")]
    [InlineData("https://admin:c2VjcmV0@a.table.core.windows.net/", "https://a.table.core.windows.net/")]
    [InlineData("http://a.table.core.windows.net/?sig=c2VjcmV0", "http://a.table.core.windows.net/")]
    public void An_endpoint_carrying_credentials_is_rejected_without_repeating_them(string endpoint, string shown)
    {
        var result = _validator.Validate(null, new TableStorageOptions { ServiceUri = new Uri(endpoint) });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, failure => failure.Contains("without a query string", StringComparison.Ordinal));
        Assert.All(result.Failures!, failure =>
        {
            Assert.Contains($"AZURE_TABLES_ENDPOINT '{shown}'", failure, StringComparison.Ordinal);
            Assert.DoesNotContain("c2VjcmV0", failure, StringComparison.Ordinal);
        });
    }
}

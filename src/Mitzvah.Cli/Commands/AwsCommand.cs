using System.CommandLine;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Mitzvah.DynamoDb;

namespace Mitzvah.Cli.Commands;

/// <summary><c>mitzvah aws backfill-index</c>: upgrade a subscribers table written by the original deployment or before the due index.</summary>
internal static class AwsCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var table = new Option<string>("--table")
        {
            Description = "The subscribers table (the stack's SubscribersTable, e.g. mitzvah-subscribers).",
            Required = true,
        };
        var backfill = new Command(
            "backfill-index",
            "Put opted-in items written before the indexes into them (the original deployment's, and those without a next "
            + "send time, which become due at once), once; safe to rerun. "
            + "Uses the AWS SDK's usual credentials, region and AWS_ENDPOINT_URL_DYNAMODB.")
        {
            table,
        };
        backfill.SetAction(async (parse, cancellationToken) =>
        {
            using var client = new AmazonDynamoDBClient();
            try
            {
                var result = await new DynamoDbOptedInBackfill(client).RunAsync(parse.GetValue(table)!, cancellationToken).ConfigureAwait(false);
                await stdout.WriteLineAsync(JsonSerializer.Serialize(result, Json)).ConfigureAwait(false);
                return MitzvahCli.Success;
            }
            catch (AmazonServiceException e)
            {
                await stderr.WriteLineAsync($"mitzvah: DynamoDB refused the backfill: {e.Message}").ConfigureAwait(false);
                return MitzvahCli.Failure;
            }
            catch (AmazonClientException e)
            {
                await stderr.WriteLineAsync($"mitzvah: cannot reach DynamoDB: {e.Message}").ConfigureAwait(false);
                return MitzvahCli.Failure;
            }
        });
        return new Command("aws", "Maintenance of the AWS deployment.") { backfill };
    }
}

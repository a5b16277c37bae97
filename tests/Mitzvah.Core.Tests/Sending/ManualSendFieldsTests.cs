using System.Text.Json;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Sending;

namespace Mitzvah.Core.Tests.Sending;

/// <summary>One reading of the manual-send fields for every trigger: JSON events, forms and query strings alike.</summary>
public sealed class ManualSendFieldsTests
{
    private static readonly IPhoneNumberNormalizer Phones = new E164PhoneNormalizer();

    public static TheoryData<string> Sources() => ["json", "form"];

    [Theory]
    [MemberData(nameof(Sources))]
    public void All_three_fields_are_read_the_same_from_json_and_forms(string source)
    {
        var fields = Fields(source, new() { ["test_date"] = "2026-11-25", ["test_recipient"] = "whatsapp:+14155552671", ["dry_run"] = "true" });

        Assert.True(ManualSendFields.TryParse(fields, Phones, out var request, out var error), error);
        Assert.Equal(new SendRequest(new DateOnly(2026, 11, 25), "+14155552671", DryRun: true), request);
    }

    [Fact]
    public void Json_booleans_and_form_words_both_set_dry_run()
    {
        using var json = JsonDocument.Parse("""{"dry_run": false}""");

        Assert.True(ManualSendFields.TryParse(RequestFields.FromJson(json.RootElement), Phones, out var fromJson, out _));
        Assert.True(ManualSendFields.TryParse(RequestFields.FromForm(new Dictionary<string, string> { ["dry_run"] = "on" }), Phones, out var fromForm, out _));

        Assert.False(fromJson.DryRun);
        Assert.True(fromForm.DryRun);
    }

    [Fact]
    public void No_fields_and_blank_fields_mean_todays_run_for_everyone()
    {
        var fields = Fields("form", new() { ["test_date"] = " ", ["test_recipient"] = string.Empty });

        Assert.True(ManualSendFields.TryParse(fields, Phones, out var request, out _));
        Assert.Equal(new SendRequest(), request);
    }

    [Theory]
    [InlineData("test_date", "25/11/2026", "test_date '25/11/2026' is not a date like 2026-11-25.")]
    [InlineData("test_recipient", "555", "test_recipient is not a phone number; use international form like +14155552671.")]
    [InlineData("dry_run", "maybe", "dry_run must be true or false.")]
    public void A_bad_value_is_refused_with_a_sentence(string field, string value, string message)
    {
        foreach (var source in new[] { "json", "form" })
        {
            Assert.False(ManualSendFields.TryParse(Fields(source, new() { [field] = value }), Phones, out _, out var error));
            Assert.Equal(message, error);
        }
    }

    private static RequestFields Fields(string source, Dictionary<string, string> values)
    {
        if (source == "form")
        {
            return RequestFields.FromForm(values);
        }

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(values));
        return RequestFields.FromJson(json.RootElement.Clone());
    }
}

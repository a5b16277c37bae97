using Mitzvah.Core.Consent;

namespace Mitzvah.Testing.Consent;

/// <summary>The consent endpoint's behaviour as one table; every host runs all of it through its own transport.</summary>
public static class ConsentScenarios
{
    /// <summary>The number the scenarios act on (valid for libphonenumber).</summary>
    public const string Phone = "+14155552671";

    /// <summary>The address the email scenarios act on; its subscriber is keyed <see cref="EmailKey"/>.</summary>
    public const string Email = "dina@example.org";

    /// <summary>The store key of <see cref="Email"/>'s email-only subscriber.</summary>
    public const string EmailKey = "mailto:" + Email;

    private const string Xml = "text/xml";
    private const string Html = "text/html";
    private const string Subscribed = "You&apos;re subscribed to Daily Mitzvah";
    private const string NotSubscribed = "You&apos;re not subscribed";

    private static readonly HostSettings Default = HostSettings.Default;
    private static readonly HostSettings Mail = HostSettings.WithMail;

    public static IReadOnlyList<ConsentScenario> All { get; } =
    [
        // Health and transport errors.
        new("get returns health", Default, null, new("GET"), 200, "\"status\":\"ok\"", StoreEffect.None),
        new("get health names the store", Default, null, new("GET"), 200, "\"store\":", StoreEffect.None),
        new("put is not allowed", Default, null, new("PUT", ScenarioRequest.JsonType, "{}"), 405, "PUT is not supported", StoreEffect.None),
        new("delete is not allowed", Default, ConsentStatus.OptedIn, new("DELETE"), 405, "not supported", StoreEffect.None),
        new("plain text is unsupported", Default, null, new("POST", "text/plain", "JOIN"), 415, "Send JSON", StoreEffect.None),
        new("missing content type is unsupported", Default, null, new("POST", null, "phone=1"), 415, "Send JSON", StoreEffect.None),
        new("body over 64 KiB is too large", Default, null, ScenarioRequest.Json($"{{\"phone\":\"{Phone}\",\"consent\":true,\"pad\":\"{new string('x', 70_000)}\"}}"), 413, "64 KiB", StoreEffect.None),
        new("malformed json is rejected", Default, null, ScenarioRequest.Json("{\"phone\": \"+1415"), 400, "not a valid JSON object", StoreEffect.None),
        new("json array is rejected", Default, null, ScenarioRequest.Json($"[\"{Phone}\"]"), 400, "not a valid JSON object", StoreEffect.None),
        new("malformed form is rejected", Default, null, new("POST", ScenarioRequest.FormType, "phone=%zz&consent=true"), 400, "form data could not be read", StoreEffect.None),

        // WhatsApp keywords, signed.
        new("join mitzvah subscribes", Default, null, ScenarioRequest.Webhook("JOIN MITZVAH"), 200, Subscribed, StoreEffect.OptedIn, Xml),
        // A +1 415 number joins in its own zone.
        new("the welcome says when messages come", Default, null, ScenarioRequest.Webhook("JOIN MITZVAH"), 200, "one message a day at 10:00 (America/Los_Angeles time)", StoreEffect.OptedIn, Xml),
        new("keywords ignore case and punctuation", Default, null, ScenarioRequest.Webhook("  join mitzvah! "), 200, Subscribed, StoreEffect.OptedIn, Xml),
        new("start subscribes", Default, ConsentStatus.OptedOut, ScenarioRequest.Webhook("Start"), 200, Subscribed, StoreEffect.OptedIn, Xml),
        new("unstop subscribes", Default, ConsentStatus.OptedOut, ScenarioRequest.Webhook("UNSTOP"), 200, Subscribed, StoreEffect.OptedIn, Xml),
        new("join when subscribed writes nothing", Default, ConsentStatus.OptedIn, ScenarioRequest.Webhook("JOIN"), 200, "already subscribed", StoreEffect.None, Xml),
        new("stop unsubscribes", Default, ConsentStatus.OptedIn, ScenarioRequest.Webhook("STOP"), 200, "You&apos;re unsubscribed", StoreEffect.OptedOut, Xml),
        new("a message beginning with stop unsubscribes", Default, ConsentStatus.OptedIn, ScenarioRequest.Webhook("stop sending these please"), 200, "unsubscribed", StoreEffect.OptedOut, Xml),
        new("unsubscribe with punctuation unsubscribes", Default, ConsentStatus.OptedIn, ScenarioRequest.Webhook("Unsubscribe."), 200, "unsubscribed", StoreEffect.OptedOut, Xml),
        new("opt-out spelled with a hyphen unsubscribes", Default, ConsentStatus.OptedIn, ScenarioRequest.Webhook("opt-out"), 200, "unsubscribed", StoreEffect.OptedOut, Xml),
        new("stop from an unknown number records the opt-out", Default, null, ScenarioRequest.Webhook("STOP"), 200, "You&apos;re unsubscribed", StoreEffect.OptedOut, Xml),
        new("stop when already unsubscribed writes nothing", Default, ConsentStatus.OptedOut, ScenarioRequest.Webhook("STOP"), 200, NotSubscribed, StoreEffect.None, Xml),
        new("restart does not subscribe", Default, null, ScenarioRequest.Webhook("restart"), 200, "Reply JOIN MITZVAH to subscribe", StoreEffect.None, Xml),
        new("yes inside a sentence does not subscribe", Default, null, ScenarioRequest.Webhook("yes what is this"), 200, "Reply JOIN MITZVAH", StoreEffect.None, Xml),
        new("status when subscribed", Default, ConsentStatus.OptedIn, ScenarioRequest.Webhook("STATUS"), 200, "subscribed to Daily Mitzvah since", StoreEffect.None, Xml),
        new("status when unknown", Default, null, ScenarioRequest.Webhook("status"), 200, NotSubscribed, StoreEffect.None, Xml),
        new("status when pending says how to start", Default, ConsentStatus.Pending, ScenarioRequest.Webhook("STATUS"), 200, "reply JOIN MITZVAH to start", StoreEffect.None, Xml),
        new("join mitzvah confirms a pending web opt-in", Default, ConsentStatus.Pending, ScenarioRequest.Webhook("JOIN MITZVAH"), 200, Subscribed, StoreEffect.OptedIn, Xml),
        new("yes confirms a pending web opt-in", Default, ConsentStatus.Pending, ScenarioRequest.Webhook("YES"), 200, Subscribed, StoreEffect.OptedIn, Xml),
        new("stop of a pending number unsubscribes", Default, ConsentStatus.Pending, ScenarioRequest.Webhook("STOP"), 200, "You&apos;re unsubscribed", StoreEffect.OptedOut, Xml),
        new("other text from a pending number changes nothing", Default, ConsentStatus.Pending, ScenarioRequest.Webhook("hello"), 200, "Reply JOIN MITZVAH", StoreEffect.None, Xml),
        new("help explains the service", Default, null, ScenarioRequest.Webhook("HELP"), 200, "Sefer HaMitzvos", StoreEffect.None, Xml),
        new("help lists the preference keywords", Default, null, ScenarioRequest.Webhook("HELP"), 200, "PAUSE or PAUSE 7 (days), and RESUME", StoreEffect.None, Xml),

        // Preference keywords: a preference change of a subscribed number, never a consent change.
        new("time changes the send time", Default, ConsentStatus.OptedIn, ScenarioRequest.Webhook("TIME 7:30"), 200, "Your messages now come at 07:30", StoreEffect.PreferenceChanged, Xml),
        new("zone by city changes the time zone", Default, ConsentStatus.OptedIn, ScenarioRequest.Webhook("zone London"), 200, "Your time zone is now Europe/London", StoreEffect.PreferenceChanged, Xml),
        new("a preference reply says when the next message comes", Default, ConsentStatus.OptedIn, ScenarioRequest.Webhook("ISRAEL"), 200, "Your next message: ", StoreEffect.PreferenceChanged, Xml),
        new("pause until resume", Default, ConsentStatus.OptedIn, ScenarioRequest.Webhook("PAUSE"), 200, "No message comes until you send RESUME", StoreEffect.PreferenceChanged, Xml),
        new("resume when not paused writes nothing", Default, ConsentStatus.OptedIn, ScenarioRequest.Webhook("RESUME"), 200, "no longer paused", StoreEffect.None, Xml),
        new("an invalid time changes nothing", Default, ConsentStatus.OptedIn, ScenarioRequest.Webhook("TIME 7:10"), 200, "for example TIME 7:30", StoreEffect.None, Xml),
        new("a preference keyword from an unknown number says to join first", Default, null, ScenarioRequest.Webhook("TIME 7:30"), 200, "Reply JOIN MITZVAH to subscribe first", StoreEffect.None, Xml),
        new("a preference keyword from an opted out number says to join first", Default, ConsentStatus.OptedOut, ScenarioRequest.Webhook("PAUSE 7"), 200, "Reply JOIN MITZVAH to subscribe first", StoreEffect.None, Xml),
        new("a preference keyword from a pending number says to join first", Default, ConsentStatus.Pending, ScenarioRequest.Webhook("ZONE London"), 200, "Reply JOIN MITZVAH to subscribe first", StoreEffect.None, Xml),
        new("info explains the service", Default, null, ScenarioRequest.Webhook("info"), 200, "STATUS to check", StoreEffect.None, Xml),
        new("other text gets guidance", Default, null, ScenarioRequest.Webhook("<b>hello</b> & shalom"), 200, "<Response><Message>This is the Daily Mitzvah number", StoreEffect.None, Xml),

        // Webhook security.
        new("forged signature is refused", Default, null, ScenarioRequest.Webhook("JOIN MITZVAH", Signing.Forged), 403, "signature is missing or invalid", StoreEffect.None),
        new("missing signature is refused", Default, null, ScenarioRequest.Webhook("JOIN MITZVAH", Signing.None), 403, "signature is missing or invalid", StoreEffect.None),
        new("unsigned webhook fields without a message id are refused", Default, null, ScenarioRequest.FormPost([new("From", "whatsapp:" + Phone), new("Body", "JOIN MITZVAH")]), 403, "signature is missing or invalid", StoreEffect.None),
        new("unsigned webhook fields with a message id are refused", Default, ConsentStatus.OptedIn, ScenarioRequest.FormPost([new("From", "whatsapp:" + Phone), new("Body", "STOP"), new("MessageSid", "SM0123456789abcdef0123456789abcdef")]), 403, "signature is missing or invalid", StoreEffect.None),
        new("tampered body is refused", Default, ConsentStatus.OptedIn, ScenarioRequest.Webhook("STOP", Signing.Tampered), 403, "signature is missing or invalid", StoreEffect.None),
        new("without an auth token webhooks are refused", HostSettings.WithoutAuthToken, null, ScenarioRequest.Webhook("JOIN MITZVAH"), 403, "cannot be checked", StoreEffect.None),
        new("sender that is not a phone is rejected", Default, null, ScenarioRequest.Webhook("JOIN", from: "whatsapp:not-a-number"), 400, "not a phone number", StoreEffect.None),
        new("web token does not apply to signed webhooks", HostSettings.WithWebToken, null, ScenarioRequest.Webhook("JOIN MITZVAH"), 200, Subscribed, StoreEffect.OptedIn, Xml),

        // Web opt-in.
        new("web json opt-in waits for the owner and lists nothing", Default, null, ScenarioRequest.Json($"{{\"phone\":\"{Phone}\",\"consent\":true,\"action\":\"optin\"}}"), 200, "\"status\":\"pending\"", StoreEffect.Pending),
        new("web opt-in takes delivery choices", Default, null, ScenarioRequest.Json($"{{\"phone\":\"{Phone}\",\"consent\":true,\"timeZone\":\"Europe/Helsinki\",\"sendTime\":\"07:45\",\"calendar\":\"israel\"}}"), 200, "send JOIN MITZVAH to", StoreEffect.Pending),
        new("web opt-in with a bad time zone names the field", Default, null, ScenarioRequest.Json($"{{\"phone\":\"{Phone}\",\"consent\":true,\"timeZone\":\"Mars/Olympus\"}}"), 400, "The timeZone field", StoreEffect.None),
        new("web opt-in with a bad send time names the field", Default, null, ScenarioRequest.Json($"{{\"phone\":\"{Phone}\",\"consent\":true,\"sendTime\":\"07:10\"}}"), 400, "The sendTime field", StoreEffect.None),
        new("web opt-in with a bad calendar names the field", Default, null, ScenarioRequest.Json($"{{\"phone\":\"{Phone}\",\"consent\":true,\"calendar\":\"lunar\"}}"), 400, "The calendar field", StoreEffect.None),
        new("web opt-in is the default action", Default, null, ScenarioRequest.Json("{\"phone\":\"+1 415 555 2671\",\"consent\":true}"), 200, "send JOIN MITZVAH to", StoreEffect.Pending),
        new("web opt-in answers the one-tap confirmation link", Default, null, ScenarioRequest.Json($"{{\"phone\":\"{Phone}\",\"consent\":true}}"), 200, "\"confirmUrl\":\"https://wa.me/14155550100?text=JOIN%20MITZVAH\"", StoreEffect.Pending),
        new("web opt-in accepts a national number", Default, null, ScenarioRequest.Json("{\"phone\":\"(415) 555-2671\",\"consent\":\"true\"}"), 200, "\"changed\":true", StoreEffect.Pending),
        new("web form post asks for confirmation", Default, null, ScenarioRequest.FormPost([new("phone", Phone), new("consent", "on")]), 200, "pending", StoreEffect.Pending),
        new("web opt-in when pending writes nothing", Default, ConsentStatus.Pending, ScenarioRequest.Json($"{{\"phone\":\"{Phone}\",\"consent\":true}}"), 200, "\"changed\":false", StoreEffect.None),
        new("web opt-in when unsubscribed waits for the owner", Default, ConsentStatus.OptedOut, ScenarioRequest.Json($"{{\"phone\":\"{Phone}\",\"consent\":true}}"), 200, "pending", StoreEffect.Pending),
        new("the 7th web opt-in from one address in an hour is 429", Default, null, ScenarioRequest.Json($"{{\"phone\":\"{Phone}\",\"consent\":true}}"), 429, "Too many sign-ups", StoreEffect.None, Before: OptInsOfOthers(6), RetryAfter: true),
        new("web opt-out is not limited", Default, ConsentStatus.OptedIn, ScenarioRequest.Json($"{{\"phone\":\"{Phone}\",\"action\":\"optout\"}}"), 200, "opted_out", StoreEffect.OptedOut, Before: OptInsOfOthers(6)),
        new("web opt-in when subscribed writes nothing", Default, ConsentStatus.OptedIn, ScenarioRequest.Json($"{{\"phone\":\"{Phone}\",\"consent\":true}}"), 200, "already subscribed", StoreEffect.None),
        new("web opt-out unsubscribes", Default, ConsentStatus.OptedIn, ScenarioRequest.Json($"{{\"phone\":\"{Phone}\",\"consent\":false,\"action\":\"optout\"}}"), 200, "\"status\":\"opted_out\"", StoreEffect.OptedOut),
        new("web opt-in without consent is rejected", Default, null, ScenarioRequest.Json($"{{\"phone\":\"{Phone}\",\"consent\":false}}"), 400, "tick the box", StoreEffect.None),
        new("web opt-in with consent missing is rejected", Default, null, ScenarioRequest.Json($"{{\"phone\":\"{Phone}\"}}"), 400, "tick the box", StoreEffect.None),
        new("web consent that is not a boolean is rejected", Default, null, ScenarioRequest.Json($"{{\"phone\":\"{Phone}\",\"consent\":\"maybe\"}}"), 400, "true or false", StoreEffect.None),
        new("web invalid phone is rejected", Default, null, ScenarioRequest.Json("{\"phone\":\"12345\",\"consent\":true}"), 400, "not a valid phone number", StoreEffect.None),
        new("web missing phone is rejected", Default, null, ScenarioRequest.Json("{\"consent\":true}"), 400, "enter your phone number", StoreEffect.None),
        new("web unknown action is rejected", Default, null, ScenarioRequest.Json($"{{\"phone\":\"{Phone}\",\"consent\":true,\"action\":\"delete\"}}"), 400, "optin", StoreEffect.None),
        new("web token missing is refused", HostSettings.WithWebToken, null, ScenarioRequest.Json($"{{\"phone\":\"{Phone}\",\"consent\":true}}"), 401, "access token", StoreEffect.None),
        new("web token wrong is refused", HostSettings.WithWebToken, null, ScenarioRequest.Json($"{{\"phone\":\"{Phone}\",\"consent\":true}}", new Dictionary<string, string> { ["X-Webhook-Token"] = "guess" }), 401, "access token", StoreEffect.None),
        new("web token in header is accepted", HostSettings.WithWebToken, null, ScenarioRequest.Json($"{{\"phone\":\"{Phone}\",\"consent\":true}}", new Dictionary<string, string> { ["X-Webhook-Token"] = HostSettings.TestWebToken }), 200, "pending", StoreEffect.Pending),
        new("web token in form field is accepted", HostSettings.WithWebToken, null, ScenarioRequest.FormPost([new("phone", Phone), new("consent", "true"), new("token", HostSettings.TestWebToken)]), 200, "pending", StoreEffect.Pending),

        // Email: sign-up on the web (double opt-in), and the links in mails.
        new("web email sign-up is pending until confirmed", Mail, null, ScenarioRequest.Json($"{{\"email\":\"{Email}\",\"consent\":true,\"channel\":\"email\"}}"), 200, "confirmation link", StoreEffect.Pending, Key: EmailKey),
        new("web email sign-up as a form", Mail, null, ScenarioRequest.FormPost([new("email", "Dina@Example.org"), new("consent", "true")]), 200, "confirmation link", StoreEffect.Pending, Key: EmailKey),
        new("web email sign-up with an invalid address is rejected", Mail, null, ScenarioRequest.Json("{\"email\":\"dina@example\",\"consent\":true}"), 400, "not an email address", StoreEffect.None, Key: EmailKey),
        new("web email sign-up with an unknown channel is rejected", Mail, null, ScenarioRequest.Json($"{{\"email\":\"{Email}\",\"consent\":true,\"channel\":\"pigeon\"}}"), 400, "whatsapp, email, both or fallback", StoreEffect.None, Key: EmailKey),
        new("web email sign-up on both channels needs the phone", Mail, null, ScenarioRequest.Json($"{{\"email\":\"{Email}\",\"consent\":true,\"channel\":\"both\"}}"), 400, "phone number as well", StoreEffect.None, Key: EmailKey),
        new("web sign-up on a mail channel without an address is rejected", Mail, null, ScenarioRequest.Json($"{{\"phone\":\"{Phone}\",\"consent\":true,\"channel\":\"fallback\"}}"), 400, "email address as well", StoreEffect.None),
        new("web email sign-up without consent is rejected", Mail, null, ScenarioRequest.Json($"{{\"email\":\"{Email}\",\"consent\":false}}"), 400, "tick the box", StoreEffect.None, Key: EmailKey),
        new("the confirmation link shows a button and changes nothing", Mail, ConsentStatus.Pending, ScenarioRequest.Link("GET", "/api/email/confirm?token={confirm}"), 200, "Confirm my subscription", StoreEffect.None, Html, Key: EmailKey),
        new("the confirmation button confirms", Mail, ConsentStatus.Pending, ScenarioRequest.Link("POST", "/api/email/confirm?token={confirm}", "via=page"), 200, "is confirmed", StoreEffect.OptedIn, Html, Key: EmailKey),
        new("a confirmation already made is not made again", Mail, ConsentStatus.OptedIn, ScenarioRequest.Link("POST", "/api/email/confirm?token={confirm}", "via=page"), 200, "confirmed already", StoreEffect.None, Html, Key: EmailKey),
        new("a changed confirmation link is refused", Mail, ConsentStatus.Pending, ScenarioRequest.Link("POST", "/api/email/confirm?token={changed}", "via=page"), 400, "not valid", StoreEffect.None, Html, Key: EmailKey),
        new("an expired confirmation link is refused", Mail, ConsentStatus.Pending, ScenarioRequest.Link("POST", "/api/email/confirm?token={expired}", "via=page"), 410, "expired", StoreEffect.None, Html, Key: EmailKey),
        new("the unsubscribe link shows a button and changes nothing", Mail, ConsentStatus.OptedIn, ScenarioRequest.Link("GET", "/api/unsubscribe?token={unsubscribe}"), 200, "Unsubscribe", StoreEffect.None, Html, Key: EmailKey),
        new("one-click unsubscribe unsubscribes at once", Mail, ConsentStatus.OptedIn, ScenarioRequest.Link("POST", "/api/unsubscribe?token={unsubscribe}", "List-Unsubscribe=One-Click"), 200, "is unsubscribed", StoreEffect.OptedOut, Html, Key: EmailKey),
        new("a confirmation token cannot unsubscribe", Mail, ConsentStatus.OptedIn, ScenarioRequest.Link("POST", "/api/unsubscribe?token={confirm}", "List-Unsubscribe=One-Click"), 400, "not valid", StoreEffect.None, Html, Key: EmailKey),
        new("put on the unsubscribe link is not allowed", Mail, ConsentStatus.OptedIn, ScenarioRequest.Link("PUT", "/api/unsubscribe?token={unsubscribe}"), 405, "not supported", StoreEffect.None, Html, Key: EmailKey),
    ];

    /// <summary>Web opt-ins of <paramref name="count"/> other numbers, from the same client address.</summary>
    private static ScenarioRequest[] OptInsOfOthers(int count) =>
        [.. Enumerable.Range(0, count).Select(i => ScenarioRequest.Json($"{{\"phone\":\"+1415555{2600 + i}\",\"consent\":true}}"))];

    /// <summary>The case names, for xunit's MemberData.</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var scenario in All)
        {
            data.Add(scenario.Name);
        }

        return data;
    }

    public static ConsentScenario Get(string name) => All.Single(scenario => scenario.Name == name);
}

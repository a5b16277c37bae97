namespace Mitzvah.Testing.StandIns;

/// <summary>How <see cref="LoopbackTwilio"/> answers one scripted request.</summary>
public sealed class LoopbackResponse
{
    private LoopbackResponse(LoopbackResponseKind kind, int status = 0, int code = 0, string? message = null, TimeSpan? retryAfter = null, string? rawBody = null, string? contentType = null)
    {
        Kind = kind;
        Status = status;
        Code = code;
        Message = message;
        RetryAfter = retryAfter;
        RawBody = rawBody;
        ContentType = contentType;
    }

    /// <summary>What the server does.</summary>
    public LoopbackResponseKind Kind { get; }

    /// <summary>The HTTP status of an error.</summary>
    public int Status { get; }

    /// <summary>Twilio's error code of an error.</summary>
    public int Code { get; }

    /// <summary>Twilio's error message.</summary>
    public string? Message { get; }

    /// <summary>The Retry-After header to send, rounded up to whole seconds.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>For <see cref="LoopbackResponseKind.Raw"/>: the body as sent.</summary>
    public string? RawBody { get; }

    /// <summary>For <see cref="LoopbackResponseKind.Raw"/>: the body's content type.</summary>
    public string? ContentType { get; }

    /// <summary>Accepts the message as usual (201 for a send, the list for a read).</summary>
    public static LoopbackResponse Accept { get; } = new(LoopbackResponseKind.Accept);

    /// <summary>Keeps the request open until the client gives up or the server stops; nothing is recorded.</summary>
    public static LoopbackResponse Hang { get; } = new(LoopbackResponseKind.Hang);

    /// <summary>
    /// Records the message as accepted, then never answers: the provider took the message, but the sender never
    /// learns it (a run killed, or a timeout, after Twilio accepted).
    /// </summary>
    public static LoopbackResponse AcceptWithoutAnswer { get; } = new(LoopbackResponseKind.AcceptWithoutAnswer);

    /// <summary>Twilio 21610: the recipient replied STOP.</summary>
    public static LoopbackResponse Unsubscribed { get; } = TwilioError(400, 21610, "Attempt to send to unsubscribed recipient");

    /// <summary>Twilio 21211: the To number is not valid.</summary>
    public static LoopbackResponse InvalidTo { get; } = TwilioError(400, 21211, "Invalid 'To' Phone Number");

    /// <summary>Twilio 63016: freeform text outside WhatsApp's 24-hour window.</summary>
    public static LoopbackResponse OutsideWindow { get; } = TwilioError(
        400,
        63016,
        "Failed to send freeform message because you are outside the allowed window. If you are using WhatsApp, please use a Message Template.");

    /// <summary>A Twilio error answer: <c>{"code","message","more_info","status"}</c> with the given HTTP status.</summary>
    public static LoopbackResponse TwilioError(int status, int code, string message, TimeSpan? retryAfter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 400);
        return new(LoopbackResponseKind.Error, status, code, message, retryAfter);
    }

    /// <summary>HTTP 429 with Twilio's 20429 and a Retry-After.</summary>
    public static LoopbackResponse TooManyRequests(TimeSpan? retryAfter) => TwilioError(429, 20429, "Too Many Requests", retryAfter);

    /// <summary>A server error with Twilio's JSON body (code 20500, or 20503 for 503).</summary>
    public static LoopbackResponse ServerError(int status = 500)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 500);
        return status == 503
            ? TwilioError(503, 20503, "Service Unavailable")
            : TwilioError(status, 20500, "Internal Server Error");
    }

    /// <summary>Any status with a body of any type, e.g. a load balancer's HTML page.</summary>
    public static LoopbackResponse Raw(int status, string body, string contentType = "text/html", TimeSpan? retryAfter = null) =>
        new(LoopbackResponseKind.Raw, status, 0, null, retryAfter, body, contentType);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        LoopbackResponseKind.Error => $"{Status} {Code}",
        LoopbackResponseKind.Raw => $"{Status} raw",
        _ => Kind.ToString(),
    };
}

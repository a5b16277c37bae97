namespace Mitzvah.Testing.StandIns;

/// <summary>What <see cref="LoopbackTwilio"/> does with one scripted request.</summary>
public enum LoopbackResponseKind
{
    /// <summary>Answer as Twilio does on success.</summary>
    Accept,

    /// <summary>Answer with a Twilio error.</summary>
    Error,

    /// <summary>Answer with an arbitrary status and body.</summary>
    Raw,

    /// <summary>Never answer, record nothing.</summary>
    Hang,

    /// <summary>Record the message as accepted, never answer.</summary>
    AcceptWithoutAnswer,
}

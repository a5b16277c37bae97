namespace Mitzvah.Core.Study;

/// <summary>A date outside the range the study cycle and Hebrew calendar support.</summary>
public sealed class StudyDateOutOfRangeException : ArgumentOutOfRangeException
{
    /// <summary>Creates the exception with a message a person can act on.</summary>
    public StudyDateOutOfRangeException(string message)
        : base(null, message)
    {
    }

    /// <summary>Creates the exception with the default message.</summary>
    public StudyDateOutOfRangeException()
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public StudyDateOutOfRangeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <inheritdoc />
    public override string Message => base.Message.Split(" (Parameter", 2)[0];
}

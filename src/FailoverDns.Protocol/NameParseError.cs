namespace FailoverDns.Protocol;

/// <summary>Why a presentation-format domain name was rejected.</summary>
public enum NameParseError
{
    None,
    Empty,
    EmptyLabel,
    LabelTooLong,
    NameTooLong,
    BadEscape,
    RelativeWithoutOrigin,
}

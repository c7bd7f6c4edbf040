namespace Bgp.Wire;

/// <summary>NOTIFICATION error codes (IANA "BGP Error (Notification) Codes").</summary>
public enum NotificationCode : byte
{
    MessageHeaderError = 1,        // RFC 4271
    OpenMessageError = 2,          // RFC 4271
    UpdateMessageError = 3,        // RFC 4271
    HoldTimerExpired = 4,          // RFC 4271
    FsmError = 5,                  // RFC 4271, RFC 6608
    Cease = 6,                     // RFC 4271, RFC 4486
    RouteRefreshMessageError = 7,  // RFC 7313
    SendHoldTimerExpired = 8,      // RFC 9687
}

/// <summary>Message Header Error subcodes (RFC 4271 §6.1).</summary>
public enum HeaderErrorSubcode : byte
{
    ConnectionNotSynchronized = 1,
    BadMessageLength = 2,
    BadMessageType = 3,
}

/// <summary>OPEN Message Error subcodes (RFC 4271 §6.2, RFC 5492, RFC 9234).</summary>
public enum OpenErrorSubcode : byte
{
    Unspecific = 0,
    UnsupportedVersionNumber = 1,
    BadPeerAs = 2,
    BadBgpIdentifier = 3,
    UnsupportedOptionalParameter = 4,
    UnacceptableHoldTime = 6,
    UnsupportedCapability = 7,     // RFC 5492
    RoleMismatch = 11,             // RFC 9234
}

/// <summary>UPDATE Message Error subcodes (RFC 4271 §6.3).</summary>
public enum UpdateErrorSubcode : byte
{
    MalformedAttributeList = 1,
    UnrecognizedWellKnownAttribute = 2,
    MissingWellKnownAttribute = 3,
    AttributeFlagsError = 4,
    AttributeLengthError = 5,
    InvalidOriginAttribute = 6,
    InvalidNextHopAttribute = 8,
    OptionalAttributeError = 9,
    InvalidNetworkField = 10,
    MalformedAsPath = 11,
}

/// <summary>Finite State Machine Error subcodes (RFC 6608 §3).</summary>
public enum FsmErrorSubcode : byte
{
    Unspecified = 0,
    UnexpectedMessageInOpenSent = 1,
    UnexpectedMessageInOpenConfirm = 2,
    UnexpectedMessageInEstablished = 3,
}

/// <summary>Cease subcodes (RFC 4486, RFC 8538).</summary>
public enum CeaseSubcode : byte
{
    MaximumPrefixesReached = 1,
    AdministrativeShutdown = 2,   // RFC 8203/9003 shutdown communication
    PeerDeconfigured = 3,
    AdministrativeReset = 4,      // RFC 8203/9003 shutdown communication
    ConnectionRejected = 5,
    OtherConfigurationChange = 6,
    ConnectionCollisionResolution = 7,
    OutOfResources = 8,
    HardReset = 9,                // RFC 8538
    BfdDown = 10,                 // RFC 9384
}

/// <summary>ROUTE-REFRESH Message Error subcodes (RFC 7313 §5).</summary>
public enum RouteRefreshErrorSubcode : byte
{
    InvalidMessageLength = 1,
}

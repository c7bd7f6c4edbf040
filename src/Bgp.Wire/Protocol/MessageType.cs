namespace Bgp.Wire;

/// <summary>BGP message types (IANA "BGP Message Types").</summary>
public enum MessageType : byte
{
    Open = 1,          // RFC 4271
    Update = 2,        // RFC 4271
    Notification = 3,  // RFC 4271
    Keepalive = 4,     // RFC 4271
    RouteRefresh = 5,  // RFC 2918
}

/// <summary>ROUTE-REFRESH message subtypes (RFC 7313 §3, the byte RFC 2918 called Reserved).</summary>
public enum RouteRefreshSubtype : byte
{
    Normal = 0,
    BeginningOfRouteRefresh = 1, // BoRR
    EndOfRouteRefresh = 2,       // EoRR
}

/// <summary>Fixed sizes from RFC 4271 §4 and RFC 8654.</summary>
public static class BgpLimits
{
    public const int HeaderLength = 19;
    public const int MarkerLength = 16;
    public const int MaxMessageLength = 4096;          // RFC 4271 §4.1
    public const int MaxExtendedMessageLength = 65535; // RFC 8654 §3
    public const int MinOpenLength = 29;
    public const int MinUpdateLength = 23;
    public const int KeepaliveLength = 19;
    public const int MinNotificationLength = 21;
    public const int RouteRefreshLength = 23;
    public const ushort AsTrans = 23456;                // RFC 6793 §9
}

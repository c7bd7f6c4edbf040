namespace Bgp.Wire;

/// <summary>
/// OPEN (RFC 4271 §4.2) with RFC 5492 capabilities and RFC 9072 extended optional parameters.
/// <code>
/// +-+-+-+-+-+-+-+-+ Version
/// |  My AS (16)   | Hold Time (16) | BGP Identifier (32) |
/// | Opt Parm Len  | Optional Parameters ...              |
/// </code>
/// <see cref="Capabilities"/> lists every capability across all Capabilities parameters, in wire
/// order. <see cref="OtherParameters"/> keeps any non-capability optional parameter raw.
/// </summary>
public sealed record OpenMessage(
    ushort MyAs,
    ushort HoldTime,
    uint BgpIdentifier,
    EquatableArray<Capability> Capabilities,
    EquatableArray<OptionalParameter> OtherParameters = default,
    byte Version = 4) : BgpMessage
{
    public override MessageType Type => MessageType.Open;

    /// <summary>
    /// True to send the RFC 9072 extended encoding even when the parameters would fit in 255 octets.
    /// On decode, records whether the peer used it. Not part of equality: it is an encoding choice.
    /// </summary>
    public bool UseExtendedParameters { get; init; }

    public IpAddr BgpId => IpAddr.V4(BgpIdentifier);

    /// <summary>The peer's real AS: the 4-octet AS capability's value, else My AS (RFC 6793 §4.1).</summary>
    public uint EffectiveAs => Find<FourOctetAsCapability>()?.Asn ?? MyAs;

    public T? Find<T>() where T : Capability
    {
        foreach (var c in Capabilities) if (c is T t) return t;
        return null;
    }

    public IEnumerable<T> FindAll<T>() where T : Capability
    {
        foreach (var c in Capabilities.Segment) if (c is T t) yield return t;
    }

    public bool Equals(OpenMessage? other) =>
        other is not null && MyAs == other.MyAs && HoldTime == other.HoldTime
        && BgpIdentifier == other.BgpIdentifier && Version == other.Version
        && Capabilities == other.Capabilities && OtherParameters == other.OtherParameters;

    public override int GetHashCode() => HashCode.Combine(MyAs, HoldTime, BgpIdentifier, Capabilities, Version);
}

/// <summary>A non-capability OPEN optional parameter, kept raw (RFC 4271 §4.2).</summary>
public readonly record struct OptionalParameter(byte ParamType, EquatableArray<byte> Value);

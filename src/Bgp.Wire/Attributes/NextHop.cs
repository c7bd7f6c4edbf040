namespace Bgp.Wire;

/// <summary>
/// An MP_REACH_NLRI next hop (RFC 4760 §3): 4 octets (IPv4), 16 (IPv6 global) or 32 (global then
/// link-local, RFC 2545 §3). RFC 8950 lets IPv4 NLRI carry the IPv6 forms.
/// </summary>
public readonly record struct NextHop(IpAddr Address, IpAddr? LinkLocal = null)
{
    public int WireLength => LinkLocal is null ? Address.ByteLength : 32;

    public override string ToString() => LinkLocal is { } ll ? $"{Address} ({ll})" : Address.ToString();
}

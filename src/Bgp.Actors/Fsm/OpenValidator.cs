using Bgp.Wire;

namespace Bgp.Actors.Fsm;

/// <summary>Why a peer's OPEN was refused: the NOTIFICATION to send and a sentence for the log.</summary>
public sealed record OpenRejection(NotificationMessage Notification, string Reason);

/// <summary>
/// Checks the contents of a decoded OPEN against our configuration (RFC 4271 §6.2 and its updates).
/// Checks run in this order and the first failure wins: version, optional parameters, peer AS,
/// hold time, BGP identifier, role. Framing and capability syntax are the codec's business (event 22).
/// </summary>
public static class OpenValidator
{
    /// <summary>The only version we speak (RFC 4271 §4.2).</summary>
    public const byte BgpVersion = 4;

    /// <summary>RFC 6793 §9: the 2-octet stand-in for a 4-octet AS.</summary>
    public const ushort AsTrans = 23456;

    /// <summary>Null when the OPEN is acceptable.</summary>
    public static OpenRejection? Validate(FsmSettings settings, OpenMessage peer)
    {
        // RFC 4271 §6.2: Data = the largest version we support below the peer's bid, else our largest: 4 either way.
        if (peer.Version != BgpVersion)
            return Reject(OpenErrorSubcode.UnsupportedVersionNumber, $"peer speaks BGP version {peer.Version}, we speak 4",
                [0, BgpVersion]);

        // RFC 4271 §6.2: an optional parameter we do not recognise (RFC 5492 capabilities are the only one we know).
        if (!peer.OtherParameters.IsEmpty)
            return Reject(OpenErrorSubcode.UnsupportedOptionalParameter,
                $"unsupported optional parameter type {peer.OtherParameters[0].ParamType}");

        if (CheckPeerAs(settings, peer) is { } asError)
            return Reject(OpenErrorSubcode.BadPeerAs, asError);

        // RFC 4271 §6.2: Hold Time values of one or two seconds MUST be rejected.
        if (peer.HoldTime is 1 or 2)
            return Reject(OpenErrorSubcode.UnacceptableHoldTime, $"hold time {peer.HoldTime} s is neither zero nor at least 3 s");

        // RFC 6286 §2.2: any non-zero identifier, but within an AS (iBGP) not our own.
        if (peer.BgpIdentifier == 0)
            return Reject(OpenErrorSubcode.BadBgpIdentifier, "BGP identifier 0.0.0.0");
        if (peer.EffectiveAs == settings.LocalAs && peer.BgpIdentifier == settings.LocalBgpId)
            return Reject(OpenErrorSubcode.BadBgpIdentifier, $"iBGP peer uses our own BGP identifier {peer.BgpId}");

        if (CheckRole(settings, peer) is { } roleError)
            return Reject(OpenErrorSubcode.RoleMismatch, roleError);

        return null;
    }

    /// <summary>
    /// RFC 6793 §4.1: with the 4-octet AS capability the peer's AS is the capability's value, and My AS
    /// must be that value when it fits in two octets, AS_TRANS otherwise (FRR and BIRD refuse a mismatch too).
    /// RFC 7607: AS 0 is never acceptable.
    /// </summary>
    private static string? CheckPeerAs(FsmSettings settings, OpenMessage peer)
    {
        var four = peer.Find<FourOctetAsCapability>();
        uint asn = four?.Asn ?? peer.MyAs;
        if (asn == 0) return "peer AS 0 (RFC 7607)";
        if (four is not null)
        {
            ushort expectedMyAs = asn <= ushort.MaxValue ? (ushort)asn : AsTrans;
            if (peer.MyAs != expectedMyAs)
                return $"My AS {peer.MyAs} disagrees with the 4-octet AS capability {asn}";
        }
        if (asn != settings.ExpectedRemoteAs)
            return $"peer AS {asn}, expected {settings.ExpectedRemoteAs}";
        return null;
    }

    /// <summary>
    /// RFC 9234 §4.2: only when both sides sent a role must the pair be one of provider/customer,
    /// customer/provider, route server/client, client/route server or peer/peer; a peer that sends
    /// conflicting roles mismatches too. Strict mode (refusing a peer without a role) is not implemented.
    /// </summary>
    private static string? CheckRole(FsmSettings settings, OpenMessage peer)
    {
        var roles = peer.FindAll<BgpRoleCapability>().Select(r => r.Role).Distinct().ToList();
        if (roles.Count > 1) return $"peer sent several roles: {string.Join(", ", roles)}";
        if (roles.Count == 0 || settings.LocalOpen.Find<BgpRoleCapability>() is not { } mine) return null;
        var theirs = roles[0];
        bool ok = (mine.Role, theirs) switch
        {
            (BgpRole.Provider, BgpRole.Customer) => true,
            (BgpRole.Customer, BgpRole.Provider) => true,
            (BgpRole.RouteServer, BgpRole.RouteServerClient) => true,
            (BgpRole.RouteServerClient, BgpRole.RouteServer) => true,
            (BgpRole.Peer, BgpRole.Peer) => true,
            _ => false,
        };
        return ok ? null : $"our role {mine.Role} does not match the peer's role {theirs}";
    }

    private static OpenRejection Reject(OpenErrorSubcode subcode, string reason, byte[]? data = null) =>
        new(new NotificationMessage(NotificationCode.OpenMessageError, (byte)subcode, data ?? default(EquatableArray<byte>)), reason);
}

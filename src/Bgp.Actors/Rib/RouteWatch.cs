using Bgp.Actors.Events;
using Bgp.Wire;

namespace Bgp.Actors.Rib;

/// <summary>
/// A subscriber to best-route changes, registered with the RIB actor (<see cref="RibCommand.WatchRoutes"/>).
/// The RIB offers it a <see cref="RouteEvent"/> for every prefix whose best route changes and that
/// passes the filter; a full queue drops (and counts) rather than wait. Closing the queue ends the
/// watch: the RIB forgets it at the next change.
/// </summary>
public sealed class RouteWatch(EventQueue<BgpEvent> queue, TimeProvider time, AfiSafi? family = null, Prefix? prefix = null, bool longerPrefixes = false)
{
    public EventQueue<BgpEvent> Queue { get; } = queue;
    public TimeProvider Time { get; } = time;
    public AfiSafi? Family { get; } = family;
    public Prefix? Prefix { get; } = prefix;
    public bool LongerPrefixes { get; } = longerPrefixes;

    public bool Matches(AfiSafi family, Prefix prefix) =>
        (Family is not { } f || f == family)
        && (Prefix is not { } p || (LongerPrefixes ? p.Contains(prefix) : p.Equals(prefix)));
}

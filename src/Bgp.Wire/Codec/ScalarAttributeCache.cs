namespace Bgp.Wire;

/// <summary>
/// Interns the scalar attributes that repeat across a peer's UPDATEs (NEXT_HOP, MED, LOCAL_PREF):
/// a small direct-mapped table per type, so a full table from one peer shares one instance per
/// distinct value instead of allocating one per message. Attributes are immutable records, so
/// sharing is safe; slots are read once into a local and replaced wholesale, so concurrent decoders
/// at worst miss, never see a wrong value.
/// </summary>
internal static class ScalarAttributeCache
{
    private const int Slots = 64; // a power of two

    private static readonly MedAttribute?[] s_med = new MedAttribute?[Slots];
    private static readonly LocalPrefAttribute?[] s_localPref = new LocalPrefAttribute?[Slots];
    private static readonly NextHopAttribute?[] s_nextHop = new NextHopAttribute?[Slots];

    private static int Slot(uint v) => (int)((v * 0x9E3779B1u) >> 26); // Fibonacci hash to 6 bits

    public static MedAttribute Med(uint value)
    {
        ref var slot = ref s_med[Slot(value)];
        var hit = slot;
        if (hit is not null && hit.Value == value) return hit;
        return slot = new MedAttribute(value);
    }

    public static LocalPrefAttribute LocalPref(uint value)
    {
        ref var slot = ref s_localPref[Slot(value)];
        var hit = slot;
        if (hit is not null && hit.Value == value) return hit;
        return slot = new LocalPrefAttribute(value);
    }

    public static NextHopAttribute NextHop(uint address)
    {
        ref var slot = ref s_nextHop[Slot(address)];
        var hit = slot;
        if (hit is not null && hit.Address.V4Value == address) return hit;
        return slot = new NextHopAttribute(IpAddr.V4(address));
    }
}

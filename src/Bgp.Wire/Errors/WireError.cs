namespace Bgp.Wire;

/// <summary>
/// The reaction a malformation calls for, ordered by strength (RFC 7606 §2): when a message has
/// several errors, the strongest wins.
/// </summary>
public enum ErrorAction : byte
{
    None = 0,
    /// <summary>RFC 7606 §2 "attribute discard": drop the attribute, keep the route.</summary>
    AttributeDiscard = 1,
    /// <summary>RFC 7606 §2 "treat-as-withdraw": every NLRI in the message is withdrawn.</summary>
    TreatAsWithdraw = 2,
    /// <summary>RFC 4760 §7 "AFI/SAFI disable": stop using the family on this session.</summary>
    AfiSafiDisable = 3,
    /// <summary>RFC 4271 §6 "session reset": send the NOTIFICATION and close.</summary>
    SessionReset = 4,
}

/// <summary>
/// One malformation found while decoding: the reaction it calls for, the NOTIFICATION it would
/// send (used when the reaction is a session reset), and a reason a log line can show.
/// </summary>
public sealed record WireError(
    ErrorAction Action,
    NotificationCode Code,
    byte Subcode,
    string Reason,
    EquatableArray<byte> Data = default,
    AttrType? Attribute = null,
    AfiSafi? Family = null)
{
    public NotificationMessage ToNotification() => new(Code, Subcode, Data);

    public override string ToString()
    {
        var where = Attribute is { } a ? $" [{a}]" : Family is { } f ? $" [{f}]" : "";
        return $"{Action}: {Reason}{where} (notification {(byte)Code}/{Subcode})";
    }
}

/// <summary>Collects decode errors; cheap when there are none (the common case).</summary>
public sealed class WireErrors
{
    private List<WireError>? _list;

    public ErrorAction Strongest { get; private set; }
    public IReadOnlyList<WireError> All => (IReadOnlyList<WireError>?)_list ?? [];
    public bool Any => _list is { Count: > 0 };

    /// <summary>The error that decided <see cref="Strongest"/> (the first one at that strength).</summary>
    public WireError? Decisive => _list?.FirstOrDefault(e => e.Action == Strongest);

    public void Add(WireError error)
    {
        (_list ??= new List<WireError>(2)).Add(error);
        if (error.Action > Strongest) Strongest = error.Action;
    }

    internal void Clear()
    {
        _list?.Clear();
        Strongest = ErrorAction.None;
    }

    public override string ToString() => Any ? string.Join("; ", _list!) : "no errors";
}

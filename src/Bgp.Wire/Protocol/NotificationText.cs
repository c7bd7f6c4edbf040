namespace Bgp.Wire;

/// <summary>Human names for NOTIFICATION codes and subcodes, for logs and the API.</summary>
public static class NotificationText
{
    public static string CodeName(NotificationCode code) => Enum.IsDefined(code) ? code.ToString() : $"Code{(byte)code}";

    public static string SubcodeName(NotificationCode code, byte subcode)
    {
        string? name = code switch
        {
            NotificationCode.MessageHeaderError => Name<HeaderErrorSubcode>(subcode),
            NotificationCode.OpenMessageError => Name<OpenErrorSubcode>(subcode),
            NotificationCode.UpdateMessageError => Name<UpdateErrorSubcode>(subcode),
            NotificationCode.FsmError => Name<FsmErrorSubcode>(subcode),
            NotificationCode.Cease => Name<CeaseSubcode>(subcode),
            NotificationCode.RouteRefreshMessageError => Name<RouteRefreshErrorSubcode>(subcode),
            _ => null,
        };
        return name ?? (subcode == 0 ? "Unspecific" : $"Subcode{subcode}");
    }

    /// <summary><c>Cease/AdministrativeShutdown "maintenance"</c>: names, and the shutdown communication when there is one.</summary>
    public static string Describe(NotificationMessage notification)
    {
        var text = $"{CodeName(notification.Code)}/{SubcodeName(notification.Code, notification.Subcode)}";
        return notification.ShutdownCommunication is { } shutdown ? $"{text} \"{shutdown}\"" : text;
    }

    private static string? Name<TEnum>(byte value) where TEnum : struct, Enum
    {
        var e = (TEnum)Enum.ToObject(typeof(TEnum), value);
        return Enum.IsDefined(e) ? e.ToString() : null;
    }
}

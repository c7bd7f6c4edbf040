using System.Text.Json;

namespace Bgp.TestKit;

/// <summary>Reads bgpactorsd's JSON console log (one object per line) for tests that wait on it.</summary>
public static class JsonLog
{
    /// <summary>The rendered message (<c>@m</c>, Serilog's compact JSON) of every JSON line; other lines, and a last line still being written, are skipped.</summary>
    public static List<string> Messages(IEnumerable<string> lines)
    {
        var messages = new List<string>();
        foreach (var line in lines)
        {
            if (!line.StartsWith('{')) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.TryGetProperty("@m", out var m)) messages.Add(m.GetString() ?? "");
            }
            catch (JsonException)
            {
            }
        }
        return messages;
    }
}

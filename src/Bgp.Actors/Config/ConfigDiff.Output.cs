using System.Text;
using System.Text.Json;

namespace Bgp.Actors.Config;

/// <summary>The two ways to print a diff: for people, and as JSON for scripts.</summary>
public sealed partial class ConfigDiff
{
    private static readonly (ChangeClass Class, string Title, string JsonName)[] Groups =
    [
        (ChangeClass.RestartRequired, "restart required", "restart_required"),
        (ChangeClass.AppliedOnReload, "applied on reload", "applied_on_reload"),
        (ChangeClass.Informational, "informational", "informational"),
    ];

    /// <summary>
    /// Grouped by class, most disruptive first:
    /// <code>
    /// restart required:
    ///   global.router_id: 192.0.2.1 -> 192.0.2.2
    /// applied on reload:
    ///   neighbors[192.0.2.5]: added (neighbor 192.0.2.5 AS64501)
    ///   neighbors[192.0.2.6].hold_time: 90 -> 30 (resets the session)
    /// </code>
    /// </summary>
    public string ToText()
    {
        if (Changes.Count == 0) return "no changes\n";
        var text = new StringBuilder();
        foreach (var (changeClass, title, _) in Groups)
        {
            var group = Changes.Where(c => c.Class == changeClass).ToList();
            if (group.Count == 0) continue;
            text.Append(title).Append(":\n");
            foreach (var change in group)
            {
                text.Append("  ").Append(change.Path).Append(": ");
                text.Append(change.Kind switch
                {
                    ChangeKind.Added => $"added ({change.New})",
                    ChangeKind.Removed => $"removed ({change.Old})",
                    _ => $"{change.Old} -> {change.New}",
                });
                if (change.ResetsSession && change.Kind == ChangeKind.Changed) text.Append(" (resets the session)");
                text.Append('\n');
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// <c>{"actionable": bool, "restart_needed": bool, "restart_required": [...], "applied_on_reload": [...], "informational": [...]}</c>;
    /// each change is <c>{"path", "kind", "old", "new", "resets_session"}</c> with null for a side that does not exist.
    /// </summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteBoolean("actionable", IsActionable);
            json.WriteBoolean("restart_needed", RequiresRestart);
            foreach (var (changeClass, _, name) in Groups)
            {
                json.WriteStartArray(name);
                foreach (var change in Changes.Where(c => c.Class == changeClass))
                {
                    json.WriteStartObject();
                    json.WriteString("path", change.Path);
                    json.WriteString("kind", change.Kind.ToString().ToLowerInvariant());
                    json.WriteString("old", change.Old);
                    json.WriteString("new", change.New);
                    json.WriteBoolean("resets_session", change.ResetsSession);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()).ReplaceLineEndings("\n") + "\n";
    }
}

using System.Text;
using System.Text.Json;
using Bgp.Actors.Config;
using Bgp.Actors.Config.Diagnostics;

namespace Bgp.Host;

/// <summary><c>--check</c> and <c>--diff</c>: load files with the daemon's own binder, print for people or as JSON.</summary>
internal static class ConfigCommands
{
    /// <summary>Exit 0 and <c>config OK</c> when valid; exit 1 and every diagnostic otherwise.</summary>
    public static int Check(string path, bool json, TextWriter stdout, TextWriter stderr)
    {
        var load = BgpConfig.Load(path);
        if (json)
        {
            stdout.Write(DiagnosticsJson(load.Diagnostics, ok: load.Success));
            return load.Success ? 0 : 1;
        }
        if (load.Success)
        {
            stdout.WriteLine("config OK");
            return 0;
        }
        stderr.Write(DiagnosticRenderer.Render(load.Diagnostics));
        return 1;
    }

    /// <summary>Exit 0 when nothing is actionable, 1 when a reload or restart is due, 2 when either file is unusable.</summary>
    public static int Diff(string nextPath, string currentPath, bool json, TextWriter stdout, TextWriter stderr)
    {
        var next = BgpConfig.Load(nextPath);
        var current = BgpConfig.Load(currentPath);
        if (next.Config is null || current.Config is null)
        {
            var diagnostics = next.Diagnostics.Concat(current.Diagnostics).ToList();
            if (json) stdout.Write(DiagnosticsJson(diagnostics, ok: false));
            foreach (var load in new[] { next, current }.Where(l => !l.Success))
            {
                stderr.Write(DiagnosticRenderer.Render(load.Diagnostics));
            }
            return Program.ExitError;
        }
        var diff = ConfigDiff.Compute(current.Config, next.Config);
        stdout.Write(json ? diff.ToJson() : diff.ToText());
        return diff.IsActionable ? 1 : 0;
    }

    /// <summary><c>{"ok": bool, "errors": [{"file", "line", "column", "code", "message", "label", "help"}]}</c>.</summary>
    private static string DiagnosticsJson(IReadOnlyList<ConfigDiagnostic> diagnostics, bool ok)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteBoolean("ok", ok);
            json.WriteStartArray("errors");
            foreach (var d in diagnostics)
            {
                json.WriteStartObject();
                json.WriteString("file", d.FileName);
                json.WriteNumber("line", d.Line);
                json.WriteNumber("column", d.Column);
                json.WriteString("code", d.Code);
                json.WriteString("message", d.Message);
                json.WriteString("label", d.Label);
                json.WriteString("help", d.Help);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()).ReplaceLineEndings("\n") + "\n";
    }
}

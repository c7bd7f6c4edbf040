using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Json;
using Serilog.Parsing;

namespace Bgp.Host;

/// <summary>
/// One JSON object per log event, in the shape of Serilog's compact JSON (<c>@t</c>, <c>@l</c> left out
/// for Information, <c>@m</c>, <c>@mt</c>, <c>@x</c>, then every property at the top level), with one
/// difference: <c>@m</c> renders string values as they are (<c>peer 192.0.2.1 AS65001</c>), not quoted
/// as Serilog's own rendering does, so the message reads the same in JSON and in text.
/// </summary>
internal sealed class JsonLogFormatter : ITextFormatter
{
    private static readonly JsonValueFormatter Values = new(typeTagName: null);

    public void Format(LogEvent e, TextWriter output)
    {
        output.Write("{\"@t\":\"");
        output.Write(e.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        output.Write('"');
        if (e.Level != LogEventLevel.Information)
        {
            output.Write(",\"@l\":\"");
            output.Write(e.Level);
            output.Write('"');
        }
        output.Write(",\"@m\":");
        JsonValueFormatter.WriteQuotedJsonString(Render(e), output);
        output.Write(",\"@mt\":");
        JsonValueFormatter.WriteQuotedJsonString(e.MessageTemplate.Text, output);
        if (e.Exception is { } exception)
        {
            output.Write(",\"@x\":");
            JsonValueFormatter.WriteQuotedJsonString(exception.ToString(), output);
        }
        foreach (var (name, value) in e.Properties)
        {
            output.Write(',');
            JsonValueFormatter.WriteQuotedJsonString(name.StartsWith('@') ? "@" + name : name, output);
            output.Write(':');
            Values.Format(value, output);
        }
        output.Write('}');
        output.Write('\n');
    }

    /// <summary>The message with its properties in place, strings unquoted.</summary>
    private static string Render(LogEvent e)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        foreach (var token in e.MessageTemplate.Tokens)
        {
            if (token is PropertyToken property && e.Properties.TryGetValue(property.PropertyName, out var value)
                && value is ScalarValue { Value: string text })
                writer.Write(text);
            else
                token.Render(e.Properties, writer, CultureInfo.InvariantCulture);
        }
        return writer.ToString();
    }
}

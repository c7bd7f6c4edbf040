using System.Globalization;
using System.Text.Json;

namespace Bgp.Cli.Ctl;

/// <summary>The samples of a Prometheus text exposition (format 0.0.4), for filtering and for --json.</summary>
internal static class PrometheusText
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value, string Line);

    public static IEnumerable<Sample> Parse(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#') continue;
            if (TryParse(line) is Sample sample) yield return sample;
        }
    }

    private static Sample? TryParse(string line)
    {
        int i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ') i++;
        var name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (i < line.Length && line[i] != '}')
            {
                int eq = line.IndexOf('=', i);
                if (eq < 0 || eq + 1 >= line.Length || line[eq + 1] != '"') return null;
                var label = line[i..eq].Trim();
                var value = new System.Text.StringBuilder();
                int j = eq + 2;
                for (; j < line.Length && line[j] != '"'; j++)
                {
                    if (line[j] == '\\' && j + 1 < line.Length)
                    {
                        j++;
                        value.Append(line[j] == 'n' ? '\n' : line[j]);
                    }
                    else value.Append(line[j]);
                }
                labels[label] = value.ToString();
                i = j + 1;
                if (i < line.Length && line[i] == ',') i++;
            }
            i++;
        }
        var rest = line[Math.Min(i, line.Length)..].Trim().Split(' ');
        if (rest.Length == 0 || !TryValue(rest[0], out var number)) return null;
        return new Sample(name, labels, number, line);
    }

    private static bool TryValue(string text, out double value)
    {
        switch (text)
        {
            case "+Inf": value = double.PositiveInfinity; return true;
            case "-Inf": value = double.NegativeInfinity; return true;
            case "NaN": value = double.NaN; return true;
            default: return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    /// <summary><c>{"samples":[{"name":..., "labels":{...}, "value":...}]}</c>; non-finite values as strings.</summary>
    public static string ToJson(IEnumerable<Sample> samples)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("samples");
            foreach (var sample in samples)
            {
                json.WriteStartObject();
                json.WriteString("name", sample.Name);
                json.WriteStartObject("labels");
                foreach (var (label, value) in sample.Labels) json.WriteString(label, value);
                json.WriteEndObject();
                if (double.IsFinite(sample.Value)) json.WriteNumber("value", sample.Value);
                else json.WriteString("value", double.IsNaN(sample.Value) ? "NaN" : sample.Value > 0 ? "+Inf" : "-Inf");
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}

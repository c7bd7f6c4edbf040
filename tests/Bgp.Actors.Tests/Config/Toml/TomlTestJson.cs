using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bgp.Actors.Config.Toml;

namespace Bgp.Actors.Tests.Config.Toml;

/// <summary>
/// Compares a parsed document with toml-test's tagged JSON, the way toml-test itself compares:
/// tables by key set, arrays in order, integers and floats numerically (nan equals nan, infinities
/// by sign), date-times as instants or clock readings rather than as text.
/// </summary>
public static partial class TomlTestJson
{
    /// <summary>Null when equal, else the first difference with its path.</summary>
    public static string? Difference(TomlValue actual, JsonElement expected, string path = "")
    {
        if (expected.ValueKind == JsonValueKind.Array)
        {
            if (actual is not TomlArray array) return $"{path}: expected an array, got {actual.Kind}";
            if (array.Count != expected.GetArrayLength()) return $"{path}: expected {expected.GetArrayLength()} elements, got {array.Count}";
            int i = 0;
            foreach (var item in expected.EnumerateArray())
            {
                if (Difference(array[i], item, $"{path}[{i}]") is { } difference) return difference;
                i++;
            }
            return null;
        }
        if (expected.ValueKind != JsonValueKind.Object) return $"{path}: unexpected JSON {expected.ValueKind}";
        if (IsScalar(expected)) return ScalarDifference(actual, expected.GetProperty("type").GetString()!, expected.GetProperty("value").GetString()!, path);

        if (actual is not TomlTable table) return $"{path}: expected a table, got {actual.Kind}";
        var expectedKeys = expected.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (string key in table.Keys)
        {
            if (!expectedKeys.Contains(key)) return $"{path}: unexpected key '{key}'";
        }
        foreach (var property in expected.EnumerateObject())
        {
            if (!table.TryGetValue(property.Name, out var child)) return $"{path}: missing key '{property.Name}'";
            if (Difference(child, property.Value, $"{path}.{property.Name}") is { } difference) return difference;
        }
        return null;
    }

    // A tagged scalar is exactly {"type": string, "value": string}; a table may have such keys too.
    private static bool IsScalar(JsonElement element) =>
        element.EnumerateObject().Count() == 2
        && element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
        && element.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String;

    private static string? ScalarDifference(TomlValue actual, string type, string value, string path)
    {
        string? kind = actual switch
        {
            TomlString => "string",
            TomlInteger => "integer",
            TomlFloat => "float",
            TomlBoolean => "bool",
            TomlOffsetDateTime => "datetime",
            TomlLocalDateTime => "datetime-local",
            TomlLocalDate => "date-local",
            TomlLocalTime => "time-local",
            _ => null,
        };
        if (kind != type) return $"{path}: expected {type}, got {kind ?? actual.Kind.ToString()}";
        bool equal = actual switch
        {
            TomlString s => s.Value == value,
            TomlInteger i => i.Value == long.Parse(value, CultureInfo.InvariantCulture),
            TomlFloat f => FloatEquals(f.Value, value),
            TomlBoolean b => (b.Value ? "true" : "false") == value,
            TomlOffsetDateTime odt => odt.TryGetDateTimeOffset(out var instant) && instant == ParseOffsetDateTime(value),
            TomlLocalDateTime ldt => ldt.ToDateTime() == ParseClock(value, "yyyy-MM-ddTHH:mm:ss"),
            TomlLocalDate ld => ld.Date == DateOnly.ParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            TomlLocalTime lt => lt.Time == TimeOnly.FromDateTime(ParseClock(value, "HH:mm:ss")),
            _ => false,
        };
        return equal ? null : $"{path}: expected {type} {value}, got {TomlWriter.FormatValue(actual)}";
    }

    private static bool FloatEquals(double actual, string expected) => expected switch
    {
        "nan" or "+nan" or "-nan" => double.IsNaN(actual),
        "inf" or "+inf" => double.IsPositiveInfinity(actual),
        "-inf" => double.IsNegativeInfinity(actual),
        _ => actual.Equals(double.Parse(expected, NumberStyles.Float, CultureInfo.InvariantCulture)),
    };

    private static DateTimeOffset ParseOffsetDateTime(string text)
    {
        var match = OffsetPattern().Match(text);
        var clock = ParseClock(match.Groups[1].Value, "yyyy-MM-ddTHH:mm:ss");
        string zone = match.Groups[2].Value;
        var offset = zone is "Z" or "z"
            ? TimeSpan.Zero
            : TimeSpan.ParseExact(zone[1..], "hh\\:mm", CultureInfo.InvariantCulture) * (zone[0] == '-' ? -1 : 1);
        return new DateTimeOffset(clock, offset);
    }

    /// <summary>Parses with the fraction cut or padded to 7 digits: .NET keeps 100 ns, and TOML truncates.</summary>
    private static DateTime ParseClock(string text, string format)
    {
        text = text.Replace(' ', 'T').Replace('t', 'T');
        var match = FractionPattern().Match(text);
        string whole = match.Groups[1].Value;
        string fraction = (match.Groups[2].Value + "0000000")[..7];
        return DateTime.ParseExact(whole + "." + fraction, format + ".fffffff", CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^(.*?)([Zz]|[+-]\d\d:\d\d)$")]
    private static partial Regex OffsetPattern();

    [GeneratedRegex(@"^([^.]*)(?:\.(\d+))?$")]
    private static partial Regex FractionPattern();
}

using System.Globalization;
using System.Text;

namespace Bgp.Actors.Config.Toml;

/// <summary>
/// Canonical TOML text for keys and values, used when an edit writes something new. Existing text
/// is never reformatted: <see cref="TomlDocument.Render"/> and <see cref="TomlEditor"/> copy it.
/// </summary>
public static class TomlWriter
{
    /// <summary>A bare key when TOML allows one, else a basic-quoted key.</summary>
    public static string FormatKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')) return key;
        return FormatString(key);
    }

    public static string FormatKeyPath(IEnumerable<string> keys) => string.Join('.', keys.Select(FormatKey));

    /// <summary>A basic string; quotes, backslashes and control characters escaped.</summary>
    public static string FormatString(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\b': builder.Append("\\b"); break;
                case '\t': builder.Append("\\t"); break;
                case '\n': builder.Append("\\n"); break;
                case '\f': builder.Append("\\f"); break;
                case '\r': builder.Append("\\r"); break;
                case < ' ' or '\u007F': builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)); break;
                default: builder.Append(c); break;
            }
        }
        return builder.Append('"').ToString();
    }

    /// <summary>One line of TOML for any value; tables become inline tables.</summary>
    public static string FormatValue(TomlValue value)
    {
        var builder = new StringBuilder();
        Append(builder, value);
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, TomlValue value)
    {
        switch (value)
        {
            case TomlString s:
                builder.Append(FormatString(s.Value));
                break;
            case TomlInteger i:
                builder.Append(FormatInteger(i));
                break;
            case TomlFloat f:
                builder.Append(FormatFloat(f.Value));
                break;
            case TomlBoolean b:
                builder.Append(b.Value ? "true" : "false");
                break;
            case TomlOffsetDateTime odt:
                builder.Append(odt.Format());
                break;
            case TomlLocalDateTime ldt:
                builder.Append(ldt.Format());
                break;
            case TomlLocalDate ld:
                builder.Append(ld.Format());
                break;
            case TomlLocalTime lt:
                builder.Append(lt.Format());
                break;
            case TomlArray array:
                builder.Append('[');
                for (int k = 0; k < array.Count; k++)
                {
                    if (k > 0) builder.Append(", ");
                    Append(builder, array[k]);
                }
                builder.Append(']');
                break;
            case TomlTable table:
                if (table.Count == 0)
                {
                    builder.Append("{}");
                    break;
                }
                builder.Append("{ ");
                for (int k = 0; k < table.Count; k++)
                {
                    if (k > 0) builder.Append(", ");
                    builder.Append(FormatKey(table.Entries[k].Key.Name)).Append(" = ");
                    Append(builder, table.Entries[k].Value);
                }
                builder.Append(" }");
                break;
            default:
                throw new ArgumentException($"unknown TOML value type {value.GetType().Name}", nameof(value));
        }
    }

    private static string FormatInteger(TomlInteger integer)
    {
        if (integer.Radix == 10 || integer.Value < 0) return integer.Value.ToString(CultureInfo.InvariantCulture);
        return integer.Radix switch
        {
            16 => "0x" + integer.Value.ToString("x", CultureInfo.InvariantCulture),
            8 => "0o" + Convert.ToString(integer.Value, 8),
            _ => "0b" + Convert.ToString(integer.Value, 2),
        };
    }

    /// <summary>Shortest round-trip form, always with a '.' or exponent so it reads back as a float.</summary>
    public static string FormatFloat(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsPositiveInfinity(value)) return "inf";
        if (double.IsNegativeInfinity(value)) return "-inf";
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.IndexOfAny(['.', 'E', 'e']) >= 0 ? text : text + ".0";
    }
}

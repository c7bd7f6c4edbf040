using System.Collections;

namespace Bgp.Actors.Config.Toml;

/// <summary>How a table came to exist; TOML 1.0's redefinition rules depend on it.</summary>
public enum TomlTableKind
{
    /// <summary>The document's top level.</summary>
    Root,
    /// <summary>Defined by a <c>[a.b]</c> header.</summary>
    Header,
    /// <summary>An element of an array of tables, opened by a <c>[[a.b]]</c> header.</summary>
    ArrayElement,
    /// <summary>Created only because a header named a table below it (<c>a</c> in <c>[a.b]</c>); a later <c>[a]</c> may still define it.</summary>
    Implicit,
    /// <summary>Created by a dotted key (<c>a</c> in <c>a.b = 1</c>).</summary>
    Dotted,
    /// <summary>An inline table <c>{ ... }</c>, complete once written (TOML 1.0: inline tables are immutable).</summary>
    Inline,
}

/// <summary>One key segment as written: <c>neighbors</c> in <c>[[neighbors]]</c>, or <c>"peer as"</c> in a dotted key.</summary>
public readonly record struct TomlKey(string Name, TomlSpan Span);

/// <summary>A key and its value, in the order the document defines them.</summary>
public readonly record struct TomlKeyValue(TomlKey Key, TomlValue Value);

/// <summary>
/// A table: keys in definition order, looked up by name. Parsed tables are read-only; tables built
/// in code (to be written with <see cref="TomlEditor"/>) are given their entries up front.
/// </summary>
public sealed class TomlTable : TomlValue, IEnumerable<TomlKeyValue>
{
    // Most tables hold a handful of keys; a linear scan beats hashing until this many.
    private const int IndexThreshold = 16;

    private readonly List<TomlKeyValue> _entries;
    private Dictionary<string, int>? _index;

    public TomlTable(IEnumerable<KeyValuePair<string, TomlValue>> entries)
        : this(TomlTableKind.Inline)
    {
        foreach (var (key, value) in entries)
        {
            if (ContainsKey(key)) throw new ArgumentException($"duplicate key '{key}'", nameof(entries));
            Add(new TomlKey(key, TomlSpan.None), value);
        }
    }

    internal TomlTable(TomlTableKind tableKind)
    {
        TableKind = tableKind;
        // Sections usually hold several keys; start them big enough to skip the first regrowths.
        _entries = new List<TomlKeyValue>(tableKind is TomlTableKind.Header or TomlTableKind.ArrayElement ? 16 : 4);
    }

    public static TomlTable Of(params (string Key, TomlValue Value)[] entries) =>
        new(entries.Select(e => KeyValuePair.Create(e.Key, e.Value)));

    public override TomlValueKind Kind => TomlValueKind.Table;

    public TomlTableKind TableKind { get; internal set; }

    /// <summary>True for an inline table and for the tables its dotted keys create.</summary>
    public bool IsInline => TableKind == TomlTableKind.Inline || InsideInline;

    public int Count => _entries.Count;

    public IReadOnlyList<TomlKeyValue> Entries => _entries;

    public IEnumerable<string> Keys => _entries.Select(e => e.Key.Name);

    public TomlValue this[string key] =>
        TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"no key '{key}'");

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TomlValue? value)
    {
        int i = IndexOf(key);
        value = i >= 0 ? _entries[i].Value : null;
        return value is not null;
    }

    /// <summary>The key as written where it was first defined.</summary>
    public bool TryGetKey(string key, out TomlKey result)
    {
        int i = IndexOf(key);
        result = i >= 0 ? _entries[i].Key : default;
        return i >= 0;
    }

    public IEnumerator<TomlKeyValue> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Set by the parser on dotted-key tables inside an inline table.</summary>
    internal bool InsideInline { get; set; }

    /// <summary>For an inline table: each <c>key = value</c> pair's extent, for edits that remove pairs.</summary>
    internal List<InlinePair>? Pairs { get; set; }

    internal void Add(TomlKey key, TomlValue value)
    {
        _entries.Add(new TomlKeyValue(key, value));
        if (_index is not null)
        {
            _index.Add(key.Name, _entries.Count - 1);
        }
        else if (_entries.Count > IndexThreshold)
        {
            _index = new Dictionary<string, int>(_entries.Count * 2, StringComparer.Ordinal);
            for (int i = 0; i < _entries.Count; i++) _index.Add(_entries[i].Key.Name, i);
        }
    }

    private int IndexOf(string key)
    {
        if (_index is not null) return _index.TryGetValue(key, out int found) ? found : -1;
        for (int i = 0; i < _entries.Count; i++)
        {
            if (string.Equals(_entries[i].Key.Name, key, StringComparison.Ordinal)) return i;
        }
        return -1;
    }
}

/// <summary>A <c>key.path = value</c> pair inside an inline table: its text extent and where it landed.</summary>
internal readonly record struct InlinePair(int Start, int End, TomlTable Target, string Key);

/// <summary>An array value <c>[ ... ]</c>, or an array of tables built by <c>[[name]]</c> headers.</summary>
public sealed class TomlArray : TomlValue, IReadOnlyList<TomlValue>
{
    private readonly List<TomlValue> _items = [];

    public TomlArray(IEnumerable<TomlValue> items) => _items.AddRange(items);

    internal TomlArray(bool isArrayOfTables) => IsArrayOfTables = isArrayOfTables;

    public override TomlValueKind Kind => TomlValueKind.Array;

    /// <summary>Built by <c>[[name]]</c> headers; such an array can be extended, a static <c>[...]</c> cannot.</summary>
    public bool IsArrayOfTables { get; }

    public int Count => _items.Count;

    public TomlValue this[int index] => _items[index];

    public IEnumerator<TomlValue> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal void Add(TomlValue item) => _items.Add(item);
}

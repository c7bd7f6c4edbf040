using Bgp.Actors.Config.Toml;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Config.Toml;

/// <summary>The editor run over every valid toml-test file: each edit touches exactly what it names.</summary>
[TestFixture]
public sealed class TomlEditorSuiteTests
{
    [TestCaseSource(typeof(TomlTestSuite), nameof(TomlTestSuite.ValidCases))]
    public void Setting_any_leaf_changes_that_leaf_only(string file)
    {
        var original = TomlDocument.Parse(TomlTestSuite.Read(file), file).Document!;
        var before = Leaves(original.Root);
        // An empty [[element]] is a leaf too, but only its keys can be set.
        foreach (var path in before.Keys.Where(p => !p.Segments[^1].IsIndex || !IsArrayOfTables(original, p.Parent)).Take(40))
        {
            var editor = original.Edit();
            var result = editor.Set(path, new TomlString("edited"));
            Assert.That(result.Success, Is.True, () => $"{path}: {result.Error}");
            var after = Leaves(editor.Document.Root);
            var expected = new Dictionary<TomlPath, string>(before) { [path] = "\"edited\"" };
            Assert.That(after, Is.EquivalentTo(expected), path.ToString());
        }
    }

    [TestCaseSource(typeof(TomlTestSuite), nameof(TomlTestSuite.ValidCases))]
    public void Removing_any_key_removes_that_key_only(string file)
    {
        var original = TomlDocument.Parse(TomlTestSuite.Read(file), file).Document!;
        var before = Leaves(original.Root);
        foreach (var path in KeyPaths(original.Root, TomlPath.Root).Take(40))
        {
            var editor = original.Edit();
            var result = editor.Remove(path);
            Assert.That(result.Success, Is.True, () => $"{path}: {result.Error}");
            Assert.That(editor.Document.TryGetValue(path, out _), Is.False, path.ToString());
            var expected = before.Where(l => !StartsWith(l.Key, path));
            // A table emptied by the removal shows up as a leaf of its own.
            var after = Leaves(editor.Document.Root).Where(l => !(StartsWith(path, l.Key) && l.Value == "{}"));
            Assert.That(after, Is.EquivalentTo(expected), path.ToString());
        }
    }

    [TestCaseSource(typeof(TomlTestSuite), nameof(TomlTestSuite.ValidCases))]
    public void Adding_a_key_to_any_table_adds_that_key_only(string file)
    {
        var original = TomlDocument.Parse(TomlTestSuite.Read(file), file).Document!;
        var before = Leaves(original.Root);
        foreach (var table in TablePaths(original.Root, TomlPath.Root).Take(40))
        {
            var path = table.Key("added-by-test");
            var editor = original.Edit();
            var result = editor.Set(path, new TomlInteger(7));
            Assert.That(result.Success, Is.True, () => $"{path}: {result.Error}");
            var expected = before.Where(l => !l.Key.Equals(table)).Append(KeyValuePair.Create(path, "7"));
            Assert.That(Leaves(editor.Document.Root), Is.EquivalentTo(expected), path.ToString());
        }
    }

    /// <summary>Every table, including array elements and tables inside static arrays.</summary>
    private static IEnumerable<TomlPath> TablePaths(TomlValue value, TomlPath at)
    {
        if (value is TomlTable table)
        {
            yield return at;
            foreach (var entry in table)
            {
                foreach (var nested in TablePaths(entry.Value, at.Key(entry.Key.Name))) yield return nested;
            }
        }
        else if (value is TomlArray array)
        {
            for (int i = 0; i < array.Count; i++)
            {
                foreach (var nested in TablePaths(array[i], at.Index(i))) yield return nested;
            }
        }
    }

    private static bool IsArrayOfTables(TomlDocument document, TomlPath path) =>
        document.TryGetValue(path, out var value) && value is TomlArray { IsArrayOfTables: true };

    private static bool StartsWith(TomlPath path, TomlPath prefix) =>
        path.Count >= prefix.Count && path.Segments.Take(prefix.Count).SequenceEqual(prefix.Segments);

    /// <summary>Every key path in a table (not inside arrays), depth first.</summary>
    private static IEnumerable<TomlPath> KeyPaths(TomlTable table, TomlPath at)
    {
        foreach (var entry in table)
        {
            var path = at.Key(entry.Key.Name);
            yield return path;
            if (entry.Value is TomlTable child)
            {
                foreach (var nested in KeyPaths(child, path)) yield return nested;
            }
        }
    }

    /// <summary>Path → canonical text of every scalar, empty array and empty table.</summary>
    private static Dictionary<TomlPath, string> Leaves(TomlValue root)
    {
        var leaves = new Dictionary<TomlPath, string>();
        void Walk(TomlValue value, TomlPath path)
        {
            switch (value)
            {
                case TomlTable table when table.Count > 0:
                    foreach (var entry in table) Walk(entry.Value, path.Key(entry.Key.Name));
                    break;
                case TomlArray array when array.Count > 0:
                    for (int i = 0; i < array.Count; i++) Walk(array[i], path.Index(i));
                    break;
                default:
                    if (!path.IsRoot) leaves[path] = TomlWriter.FormatValue(value);
                    break;
            }
        }
        Walk(root, TomlPath.Root);
        return leaves;
    }
}

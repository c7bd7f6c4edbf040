using Bgp.Actors.Config.Toml;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Config.Toml;

[TestFixture]
public sealed class TomlEditorTests
{
    private const string Config = """
        # bgpactorsd configuration

        [global]
        asn = 65001 # our AS
        router-id = "192.0.2.1"

        # first peer
        [[neighbors]]
        address = "192.0.2.10"
        peer-as = 65010
        timers.hold = 90

        [neighbors.families]
        ipv4 = true

        # second peer
        [[neighbors]]
        address = "192.0.2.20"
        peer-as = 65020

        """;

    private static TomlEditor Open(string text)
    {
        var result = TomlDocument.Parse(text, "bgp.toml");
        Assert.That(result.Diagnostics, Is.Empty);
        return result.Document!.Edit();
    }

    private static TomlPath P(string path) => TomlPath.Parse(path);

    private static void Succeeds(TomlEditResult result) =>
        Assert.That(result.Success, Is.True, () => result.Error!.ToString());

    [Test]
    public void Rendering_an_unedited_document_gives_back_its_text()
    {
        Assert.That(Open(Config).Render(), Is.EqualTo(Config));
    }

    [Test]
    public void Changing_a_value_replaces_only_that_value_and_keeps_its_comment()
    {
        var editor = Open(Config);
        Succeeds(editor.Set(P("global.asn"), new TomlInteger(65002)));
        Assert.That(editor.Render(), Is.EqualTo(Config.Replace("asn = 65001 # our AS", "asn = 65002 # our AS")));
        Assert.That(((TomlInteger)((TomlTable)editor.Document.Root["global"])["asn"]).Value, Is.EqualTo(65002));
    }

    [Test]
    public void A_new_key_goes_after_the_last_key_of_its_section()
    {
        var editor = Open(Config);
        Succeeds(editor.Set(P("global.hostname"), new TomlString("r1")));
        Assert.That(editor.Render(), Is.EqualTo(Config.Replace("router-id = \"192.0.2.1\"\n", "router-id = \"192.0.2.1\"\nhostname = \"r1\"\n")));
    }

    [Test]
    public void A_new_key_in_an_array_element_lands_in_that_element_not_the_last()
    {
        var editor = Open(Config);
        Succeeds(editor.Set(P("neighbors[0].description"), new TomlString("upstream")));
        Assert.That(editor.Render(), Is.EqualTo(Config.Replace("timers.hold = 90\n", "timers.hold = 90\ndescription = \"upstream\"\n")));
        var first = (TomlTable)((TomlArray)editor.Document.Root["neighbors"])[0];
        Assert.That(first["description"], Is.EqualTo(new TomlString("upstream")));
    }

    [Test]
    public void A_key_under_a_dotted_table_is_written_as_a_dotted_key_in_the_same_section()
    {
        var editor = Open(Config);
        Succeeds(editor.Set(P("neighbors[0].timers.keepalive"), new TomlInteger(30)));
        Assert.That(editor.Render(), Is.EqualTo(Config.Replace("timers.hold = 90\n", "timers.hold = 90\ntimers.keepalive = 30\n")));
    }

    [Test]
    public void A_missing_table_gets_a_header_section_of_its_own()
    {
        var editor = Open(Config);
        Succeeds(editor.Set(P("rpki.cache"), new TomlString("192.0.2.99")));
        Assert.That(editor.Render(), Is.EqualTo(Config + "\n[rpki]\ncache = \"192.0.2.99\"\n"));
    }

    [Test]
    public void A_missing_sub_table_of_an_array_element_is_written_inside_that_element()
    {
        var editor = Open(Config);
        Succeeds(editor.Set(P("neighbors[0].auth.password"), new TomlString("s3cret")));
        Assert.That(editor.Render(), Is.EqualTo(Config.Replace(
            "ipv4 = true\n\n# second peer",
            "ipv4 = true\n\n[neighbors.auth]\npassword = \"s3cret\"\n\n# second peer")));
        var first = (TomlTable)((TomlArray)editor.Document.Root["neighbors"])[0];
        Assert.That(((TomlTable)first["auth"])["password"], Is.EqualTo(new TomlString("s3cret")));
    }

    [Test]
    public void Removing_a_key_removes_its_line_and_nothing_else()
    {
        var editor = Open(Config);
        Succeeds(editor.Remove(P("global.router-id")));
        Assert.That(editor.Render(), Is.EqualTo(Config.Replace("router-id = \"192.0.2.1\"\n", "")));
    }

    [Test]
    public void Removing_an_array_element_removes_its_sections_and_the_comment_above_it()
    {
        var editor = Open(Config);
        Succeeds(editor.RemoveArrayTable(P("neighbors"), 0));
        Assert.That(editor.Render(), Is.EqualTo("""
            # bgpactorsd configuration

            [global]
            asn = 65001 # our AS
            router-id = "192.0.2.1"

            # second peer
            [[neighbors]]
            address = "192.0.2.20"
            peer-as = 65020

            """));
    }

    [Test]
    public void Removing_the_last_array_element_leaves_no_dangling_blank_line()
    {
        var editor = Open(Config);
        Succeeds(editor.RemoveArrayTable(P("neighbors"), 1));
        Assert.That(editor.Render(), Is.EqualTo(Config[..Config.IndexOf("\n# second peer", StringComparison.Ordinal)]));
    }

    [Test]
    public void Appending_an_array_element_puts_it_after_the_last_one_with_its_keys()
    {
        var editor = Open(Config);
        var result = editor.AppendArrayTable(P("neighbors"), [
            KeyValuePair.Create<string, TomlValue>("address", new TomlString("192.0.2.30")),
            KeyValuePair.Create<string, TomlValue>("peer-as", new TomlInteger(65030)),
        ]);
        Succeeds(result);
        Assert.That(result.Index, Is.EqualTo(2));
        Assert.That(editor.Render(), Is.EqualTo(Config + "\n[[neighbors]]\naddress = \"192.0.2.30\"\npeer-as = 65030\n"));
        Succeeds(editor.Set(P("neighbors[2].passive"), new TomlBoolean(true)));
        Assert.That(editor.Render(), Does.EndWith("peer-as = 65030\npassive = true\n"));
    }

    [Test]
    public void Appending_to_an_element_that_has_sub_tables_goes_after_them()
    {
        var editor = Open("[[n]]\na = 1\n[n.t]\nb = 2\n[other]\nc = 3\n");
        Succeeds(editor.AppendArrayTable(P("n")));
        Assert.That(editor.Render(), Is.EqualTo("[[n]]\na = 1\n[n.t]\nb = 2\n\n[[n]]\n\n[other]\nc = 3\n"));
    }

    [Test]
    public void A_new_array_of_tables_is_created_at_the_end()
    {
        var editor = Open("[global]\nasn = 1");
        Succeeds(editor.AppendArrayTable(P("neighbors"), [KeyValuePair.Create<string, TomlValue>("peer-as", new TomlInteger(2))]));
        Assert.That(editor.Render(), Is.EqualTo("[global]\nasn = 1\n\n[[neighbors]]\npeer-as = 2\n"));
    }

    [Test]
    public void Removing_a_table_removes_its_sub_tables_too()
    {
        var editor = Open("[a]\nx = 1\n\n[a.b]\ny = 2\n\n[c]\nz = 3\n");
        Succeeds(editor.Remove(P("a")));
        Assert.That(editor.Render(), Is.EqualTo("[c]\nz = 3\n"));
    }

    [Test]
    public void Removing_a_dotted_table_removes_every_line_that_defines_it()
    {
        var editor = Open("timers.hold = 90\nname = \"x\"\ntimers.keepalive = 30\n");
        Succeeds(editor.Remove(P("timers")));
        Assert.That(editor.Render(), Is.EqualTo("name = \"x\"\n"));
    }

    [Test]
    public void Inline_tables_and_arrays_are_edited_in_place()
    {
        var editor = Open("peer = { as = 1, ip = \"192.0.2.1\" } # inline\nports = [179, 1179, 2179]\nempty = {}\n");
        Succeeds(editor.Set(P("peer.ttl"), new TomlInteger(255)));
        Succeeds(editor.Remove(P("peer.as")));
        Succeeds(editor.Remove(P("ports[1]")));
        Succeeds(editor.Set(P("ports[0]"), new TomlInteger(10179)));
        Succeeds(editor.Set(P("empty.x"), new TomlBoolean(false)));
        Assert.That(editor.Render(), Is.EqualTo("peer = { ip = \"192.0.2.1\", ttl = 255 } # inline\nports = [10179, 2179]\nempty = { x = false }\n"));
    }

    [Test]
    public void Replacing_a_table_with_a_value_removes_its_section_first()
    {
        var editor = Open("a = 1\n[t]\nx = 1\n");
        Succeeds(editor.Set(P("t"), new TomlArray([new TomlString("x"), new TomlFloat(1.5)])));
        Assert.That(editor.Render(), Is.EqualTo("a = 1\nt = [\"x\", 1.5]\n"));
    }

    [Test]
    public void A_root_key_in_a_file_that_starts_with_a_header_goes_above_it()
    {
        var editor = Open("# top\n\n[global]\nasn = 1\n");
        Succeeds(editor.Set(P("version"), new TomlInteger(1)));
        Assert.That(editor.Render(), Is.EqualTo("# top\n\nversion = 1\n\n[global]\nasn = 1\n"));
    }

    [Test]
    public void Inserted_lines_use_the_files_line_ending_and_indentation()
    {
        var editor = Open("[global]\r\n  asn = 1\r\n");
        Succeeds(editor.Set(P("global.\"router id\""), new TomlString("192.0.2.1")));
        Assert.That(editor.Render(), Is.EqualTo("[global]\r\n  asn = 1\r\n  \"router id\" = \"192.0.2.1\"\r\n"));
    }

    [Test]
    public void Paths_that_do_not_fit_the_document_are_refused_and_leave_it_unchanged()
    {
        var editor = Open(Config);
        var intoScalar = editor.Set(P("global.asn.x"), new TomlInteger(1));
        Assert.That(intoScalar.Error!.Code, Is.EqualTo(TomlErrorCode.PathConflict));
        Assert.That(intoScalar.Error.Span.Line, Is.EqualTo(4));
        Assert.That(editor.Set(P("neighbors.x"), new TomlInteger(1)).Error!.Message, Does.Contain("neighbors[0]"));
        Assert.That(editor.Set(P("neighbors[5].x"), new TomlInteger(1)).Error!.Code, Is.EqualTo(TomlErrorCode.PathNotFound));
        Assert.That(editor.Remove(P("nothing.here")).Error!.Code, Is.EqualTo(TomlErrorCode.PathNotFound));
        Assert.That(editor.AppendArrayTable(P("global")).Error!.Code, Is.EqualTo(TomlErrorCode.PathConflict));
        Assert.That(editor.Render(), Is.EqualTo(Config));
    }

    [Test]
    public void Written_values_read_back_as_the_same_values()
    {
        var values = new TomlValue[]
        {
            new TomlString("tab\tquote\"back\\slash\u0001é😀"), new TomlInteger(long.MinValue), new TomlInteger(255, 16),
            new TomlInteger(8, 8), new TomlInteger(5, 2), new TomlFloat(1e300), new TomlFloat(-0.0), new TomlFloat(3),
            new TomlFloat(double.NaN), new TomlFloat(double.NegativeInfinity), new TomlBoolean(true),
            new TomlOffsetDateTime(new DateOnly(2024, 2, 29), new TimeOnly(23, 59, 59, 123), TimeSpan.FromMinutes(-330), 3),
            new TomlLocalDateTime(new DateOnly(1, 1, 1), TimeOnly.MinValue), new TomlLocalDate(new DateOnly(9999, 12, 31)),
            new TomlLocalTime(new TimeOnly(7, 32), 0),
        };
        foreach (var value in values)
        {
            string text = "v = " + TomlWriter.FormatValue(value);
            var parsed = TomlDocument.Parse(text, "t.toml");
            Assert.That(parsed.Success, Is.True, text);
            var back = parsed.Document!.Root["v"];
            Assert.That(back, Is.EqualTo(value), text);
            Assert.That(TomlWriter.FormatValue(back), Is.EqualTo(TomlWriter.FormatValue(value)), text);
        }
    }

    [Test]
    public void Paths_parse_from_dotted_keys_with_indices()
    {
        var path = TomlPath.Parse("neighbors[3].\"peer group\".'x.y'");
        Assert.That(path.Segments.Select(s => s.IsIndex ? s.Index.ToString() : s.Key), Is.EqualTo(new[] { "neighbors", "3", "peer group", "x.y" }));
        Assert.That(path.ToString(), Is.EqualTo("neighbors[3].\"peer group\".\"x.y\""));
        Assert.That(TomlPath.TryParse("a..b", out _), Is.False);
        Assert.That(TomlPath.TryParse("a[x]", out _), Is.False);
    }
}

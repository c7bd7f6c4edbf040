using System.Text;
using Bgp.Actors.Config.Toml;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Config.Toml;

[TestFixture]
public sealed class TomlParserTests
{
    private static TomlDocument Parse(string text)
    {
        var result = TomlDocument.Parse(text, "test.toml");
        Assert.That(result.Diagnostics, Is.Empty, () => string.Join("\n", result.Diagnostics));
        return result.Document!;
    }

    private static TomlDiagnostic Error(string text)
    {
        var result = TomlDocument.Parse(text, "test.toml");
        Assert.That(result.Success, Is.False, "expected the parse to fail");
        Assert.That(result.Diagnostics, Has.Count.EqualTo(1));
        return result.Diagnostics[0];
    }

    [Test]
    public void Every_key_and_value_carries_file_line_column_offset_and_length()
    {
        var document = Parse("# peers\n[global]\n  asn = 65001\nname.first = \"r1\"\n");
        var global = (TomlTable)document.Root["global"];
        Assert.That(global.TryGetKey("asn", out var key), Is.True);
        Assert.That((key.Span.FileName, key.Span.Line, key.Span.Column, key.Span.Offset, key.Span.Length), Is.EqualTo(("test.toml", 3, 3, 19, 3)));
        var asn = global["asn"];
        Assert.That((asn.Span.Line, asn.Span.Column, asn.Span.Length, asn.Span.Text), Is.EqualTo((3, 9, 5, "65001")));
        var name = (TomlTable)global["name"];
        name.TryGetKey("first", out var first);
        Assert.That((first.Span.Line, first.Span.Column), Is.EqualTo((4, 6)));
        Assert.That(name["first"].Span.Text, Is.EqualTo("\"r1\""));
        Assert.That(name.TableKind, Is.EqualTo(TomlTableKind.Dotted));
    }

    [Test]
    public void Columns_count_characters_not_utf16_units()
    {
        var document = Parse("k = \"😀\" \nx = 1");
        Assert.That(document.Root["x"].Span.Line, Is.EqualTo(2));
        var error = Error("s = \"😀\" z");
        Assert.That(error.Span.Column, Is.EqualTo(9));
    }

    [Test]
    public void Keys_keep_their_definition_order()
    {
        var document = Parse("zebra = 1\napple = 2\n[m]\nb = 1\na = 2\n[c]\n");
        Assert.That(document.Root.Keys, Is.EqualTo(new[] { "zebra", "apple", "m", "c" }));
        Assert.That(((TomlTable)document.Root["m"]).Keys, Is.EqualTo(new[] { "b", "a" }));
    }

    [Test]
    public void The_four_date_time_kinds_stay_distinct_and_keep_their_precision()
    {
        var document = Parse("odt = 1979-05-27T07:32:00.999999999-07:00\nldt = 1979-05-27 07:32:00.5\nld = 1979-05-27\nlt = 00:32:00.123456\n");
        var odt = (TomlOffsetDateTime)document.Root["odt"];
        Assert.That((odt.FractionDigits, odt.Offset, odt.Time.Ticks % TimeSpan.TicksPerSecond), Is.EqualTo((9, TimeSpan.FromHours(-7), 9_999_999L)));
        Assert.That(odt.Format(), Is.EqualTo("1979-05-27T07:32:00.999999900-07:00"), "digits past 100 ns are truncated, as TOML 1.0 asks");
        var ldt = (TomlLocalDateTime)document.Root["ldt"];
        Assert.That((ldt.FractionDigits, ldt.Format()), Is.EqualTo((1, "1979-05-27T07:32:00.5")));
        Assert.That(((TomlLocalDate)document.Root["ld"]).Date, Is.EqualTo(new DateOnly(1979, 5, 27)));
        var lt = (TomlLocalTime)document.Root["lt"];
        Assert.That((lt.FractionDigits, lt.Format()), Is.EqualTo((6, "00:32:00.123456")));
    }

    [Test]
    public void An_offset_date_time_at_the_calendar_edge_is_kept_even_when_dotnet_cannot_convert_it()
    {
        var odt = (TomlOffsetDateTime)Parse("t = 0001-01-01T00:00:00+01:00").Root["t"];
        Assert.That(odt.TryGetDateTimeOffset(out _), Is.False);
        Assert.That(odt.Format(), Is.EqualTo("0001-01-01T00:00:00+01:00"));
    }

    [TestCase("i = 9223372036854775807", long.MaxValue)]
    [TestCase("i = -9223372036854775808", long.MinValue)]
    [TestCase("i = 0x7FFF_FFFF_FFFF_FFFF", long.MaxValue)]
    [TestCase("i = 0o777", 511L)]
    [TestCase("i = 0b1010", 10L)]
    [TestCase("i = +1_000", 1000L)]
    public void Integers_cover_the_64_bit_range_in_every_base(string text, long expected)
    {
        Assert.That(((TomlInteger)Parse(text).Root["i"]).Value, Is.EqualTo(expected));
    }

    [TestCase("i = 9223372036854775808")]
    [TestCase("i = -9223372036854775809")]
    [TestCase("i = 0x8000000000000000")]
    [TestCase("i = 0b11111111111111111111111111111111111111111111111111111111111111111")]
    public void Integers_outside_64_bits_are_errors_spanning_the_number(string text)
    {
        var error = Error(text);
        Assert.That((error.Code, error.Reason, error.Span.Column, error.Span.Length), Is.EqualTo((TomlErrorCode.IntegerOutOfRange, "integer-out-of-range", 5, text.Length - 4)));
    }

    [Test]
    public void Strings_decode_every_escape_and_the_line_ending_backslash()
    {
        var document = Parse("a = \"\\b\\t\\n\\f\\r\\\"\\\\\\u00E9\\U0001F600\"\nb = \"\"\"\none \\\n    two\"\"\"\"\"\nc = '''\r\nC:\\raw'''\n");
        Assert.That(((TomlString)document.Root["a"]).Value, Is.EqualTo("\b\t\n\f\r\"\\é😀"));
        Assert.That(((TomlString)document.Root["b"]).Value, Is.EqualTo("one two\"\""));
        Assert.That(((TomlString)document.Root["c"]).Value, Is.EqualTo("C:\\raw"));
        Assert.That(((TomlString)document.Root["c"]).Style, Is.EqualTo(TomlStringStyle.MultilineLiteral));
    }

    [Test]
    public void A_duplicate_key_is_reported_where_it_is_redefined()
    {
        var error = Error("[neighbors]\npeer = 1\n\npeer = 2\n");
        Assert.That((error.Code, error.Span.Line, error.Span.Column), Is.EqualTo((TomlErrorCode.DuplicateKey, 4, 1)));
        Assert.That(error.Message, Does.Contain("test.toml:2:1"));
        Assert.That(error.ToString(), Does.StartWith("test.toml:4:1: duplicate-key: "));
    }

    [TestCase("[a]\nb.c = 1\n[a.b]\n", 3, 4, TomlErrorCode.TableRedefined, Description = "a header cannot reopen a table made by dotted keys")]
    [TestCase("[a.b.c]\n[a]\nb.d = 1\n", 3, 1, TomlErrorCode.TableRedefined, Description = "dotted keys cannot reach into a table made by a header")]
    [TestCase("a = {}\n[a.b]\n", 2, 2, TomlErrorCode.ImmutableValue, Description = "inline tables are complete once written")]
    [TestCase("a = []\n[[a]]\n", 2, 3, TomlErrorCode.ImmutableValue, Description = "a static array cannot become an array of tables")]
    [TestCase("[[a.b]]\n[[a]]\n", 2, 3, TomlErrorCode.TableRedefined, Description = "an implicit table cannot become an array")]
    [TestCase("[a]\n[a]\n", 2, 2, TomlErrorCode.TableRedefined, Description = "a table is defined once")]
    public void Table_redefinitions_are_refused_at_the_offending_key(string text, int line, int column, TomlErrorCode code)
    {
        var error = Error(text);
        Assert.That((error.Code, error.Span.Line, error.Span.Column), Is.EqualTo((code, line, column)));
    }

    [Test]
    public void An_implicit_table_may_be_defined_later_and_sub_tables_may_extend_dotted_ones()
    {
        var document = Parse("[a.b.c]\nx = 1\n[a]\ny = 2\n[fruit]\napple.color = \"red\"\n[fruit.apple.texture]\nsmooth = true\n");
        Assert.That(((TomlTable)document.Root["a"]).TableKind, Is.EqualTo(TomlTableKind.Header));
        var apple = (TomlTable)((TomlTable)document.Root["fruit"])["apple"];
        Assert.That(apple.Keys, Is.EqualTo(new[] { "color", "texture" }));
    }

    [Test]
    public void Invalid_utf8_is_reported_at_the_offending_byte()
    {
        var bytes = Encoding.UTF8.GetBytes("a = 1\nb = \"x").Concat(new byte[] { 0xC3, 0x28, (byte)'"' }).ToArray();
        var result = TomlDocument.Parse(bytes, "bad.toml");
        var error = result.Diagnostics.Single();
        Assert.That((error.Code, error.Span.Line, error.Span.Column), Is.EqualTo((TomlErrorCode.InvalidUtf8, 2, 7)));
        Assert.That(error.Message, Does.Contain("0xC3").And.Contains("byte offset 12"));
    }

    [Test]
    public void An_unpaired_surrogate_in_a_string_is_refused()
    {
        Assert.That(Error("s = \"a\uD800b\"").Code, Is.EqualTo(TomlErrorCode.InvalidCharacter));
    }

    [Test]
    public void Deep_nesting_is_an_error_and_not_a_stack_overflow()
    {
        var error = Error("a = " + new string('[', 100_000));
        Assert.That(error.Code, Is.EqualTo(TomlErrorCode.NestingTooDeep));
    }

    [Test]
    public void Statements_own_their_lines_and_the_comments_above_them()
    {
        string text = "\uFEFF# header comment\n\n[global] # the basics\n# the AS\nasn = 65001\n\n# trailing\n";
        var document = Parse(text);
        Assert.That(document.Statements.Select(s => s.Kind), Is.EqualTo(new[] { TomlStatementKind.Table, TomlStatementKind.KeyValue }));
        Assert.That(document.Statements[0].LeadingTrivia.Text, Is.EqualTo("\uFEFF# header comment\n\n"));
        Assert.That(document.Statements[0].Span.Text, Is.EqualTo("[global] # the basics\n"));
        Assert.That(document.Statements[1].LeadingTrivia.Text, Is.EqualTo("# the AS\n"));
        Assert.That(document.Statements[1].Span.Text, Is.EqualTo("asn = 65001\n"));
        Assert.That(document.TrailingTrivia.Text, Is.EqualTo("\n# trailing\n"));
        Assert.That(document.Render(), Is.EqualTo(text));
    }

    [Test]
    public void Mutated_suite_files_never_make_the_parser_throw()
    {
        // Seeded mutation fuzzing: bit flips, truncation, duplicated slices; every outcome is a value.
        var random = new Random(20240611);
        int rejected = 0, total = 0;
        foreach (string file in TomlTestSuite.Listed("valid"))
        {
            byte[] original = TomlTestSuite.Read(file);
            for (int round = 0; round < 50 && original.Length > 0; round++)
            {
                byte[] mutated = Mutate(original, random);
                TomlParseResult result = null!;
                Assert.DoesNotThrow(() => result = TomlDocument.Parse(mutated, file), $"{file} round {round}");
                total++;
                if (!result.Success) rejected++;
                else Assert.That(result.Document!.Render(), Is.EqualTo(result.Document.Text));
            }
        }
        TestContext.Out.WriteLine($"{total} mutants, {rejected} rejected");
    }

    private const string Syntax = "[]{}=\"'.,#\n\\ \r";

    private static byte[] Mutate(byte[] input, Random random)
    {
        var bytes = input.ToList();
        int at = random.Next(bytes.Count);
        switch (random.Next(4))
        {
            case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
            case 1: bytes.RemoveRange(at, bytes.Count - at); break;
            case 2: bytes.InsertRange(at, bytes.Skip(random.Next(bytes.Count)).Take(random.Next(1, 8)).ToList()); break;
            default: bytes[at] = (byte)Syntax[random.Next(Syntax.Length)]; break;
        }
        return [.. bytes];
    }
}

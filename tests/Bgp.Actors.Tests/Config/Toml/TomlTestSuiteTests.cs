using System.Text.Json;
using Bgp.Actors.Config.Toml;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Config.Toml;

/// <summary>Acceptance: every TOML 1.0 case of the official toml-test suite.</summary>
[TestFixture]
public sealed class TomlTestSuiteTests
{
    [TestCaseSource(typeof(TomlTestSuite), nameof(TomlTestSuite.ValidCases))]
    public void Valid_file_decodes_to_the_tagged_json_beside_it(string file)
    {
        Assert.That(Check(file, valid: true), Is.Null);
    }

    [TestCaseSource(typeof(TomlTestSuite), nameof(TomlTestSuite.InvalidCases))]
    public void Invalid_file_is_rejected_with_a_positioned_error(string file)
    {
        Assert.That(Check(file, valid: false), Is.Null);
    }

    [TestCaseSource(typeof(TomlTestSuite), nameof(TomlTestSuite.ValidCases))]
    public void Valid_file_renders_back_byte_for_byte(string file)
    {
        var bytes = TomlTestSuite.Read(file);
        var document = TomlDocument.Parse(bytes, file).Document!;
        Assert.That(document.Render(), Is.EqualTo(System.Text.Encoding.UTF8.GetString(bytes)));
    }

    [Test]
    public void Summary_of_the_toml_1_0_suite()
    {
        var failures = new List<string>();
        int validPassed = 0, invalidRejected = 0;
        var valid = TomlTestSuite.Listed("valid");
        var invalid = TomlTestSuite.Listed("invalid");
        foreach (string file in valid)
        {
            if (Check(file, valid: true) is { } failure) failures.Add(failure);
            else validPassed++;
        }
        foreach (string file in invalid)
        {
            if (Check(file, valid: false) is { } failure) failures.Add(failure);
            else invalidRejected++;
        }
        TestContext.Out.WriteLine($"toml-test 1.0.0: valid {validPassed}/{valid.Count} decoded, invalid {invalidRejected}/{invalid.Count} rejected");
        foreach (string failure in failures) TestContext.Out.WriteLine("  " + failure);
        Assert.That(failures, Is.Empty);
    }

    /// <summary>Null when the file behaves as the suite says, else what went wrong.</summary>
    private static string? Check(string file, bool valid)
    {
        var result = TomlDocument.Parse(TomlTestSuite.Read(file), file);
        if (!valid)
        {
            if (result.Success) return $"{file}: accepted";
            var error = result.Diagnostics[0];
            TestContext.Out.WriteLine(error.ToString());
            return error.Span.Line >= 1 && error.Span.Column >= 1 && error.Span.FileName == file
                ? null
                : $"{file}: error without a position: {error}";
        }
        if (!result.TryGetDocument(out var document)) return $"{file}: rejected: {result.Diagnostics[0]}";
        string jsonPath = Path.Combine(TomlTestSuite.TestsDirectory, Path.ChangeExtension(file, ".json"));
        using var expected = JsonDocument.Parse(File.ReadAllBytes(jsonPath));
        return TomlTestJson.Difference(document.Root, expected.RootElement) is { } difference ? $"{file}: {difference}" : null;
    }
}

using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using NUnit.Framework;

namespace Bgp.Cli.Tests.Mrt;

/// <summary>Runs <c>bgpactorsctl mrt dump</c> in process and compares its output with expected lines.</summary>
internal static class DumpRunner
{
    /// <summary>Runs the command with stdout going to a temporary file; returns the file's path.</summary>
    public static string DumpToFile(string input)
    {
        string output = Path.Combine(Path.GetTempPath(), $"bgpactorsctl-{Guid.NewGuid():N}.txt");
        var stderr = new StringWriter();
        int rc;
        using (var stdout = new StreamWriter(output, false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" })
            rc = Program.Run(["mrt", "dump", input], stdout, stderr);
        Assert.That(rc, Is.Zero, $"exit code; stderr: {stderr}");
        return output;
    }

    /// <summary>The whole output as lines (for the small files).</summary>
    public static string[] DumpLines(string input)
    {
        string file = DumpToFile(input);
        try
        {
            var text = File.ReadAllText(file);
            Assert.That(text, Does.Not.Contain("\r"), "lines end in \\n only");
            return text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static string Sha256(IEnumerable<string> lines)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var line in lines) hash.AppendData(Encoding.UTF8.GetBytes(line + "\n"));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public static TextReader OpenText(string path) =>
        path.EndsWith(".gz", StringComparison.Ordinal)
            ? new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress), Encoding.UTF8)
            : new StreamReader(path, Encoding.UTF8);

    /// <summary>Compares line by line and fails on the first difference, naming its line number.</summary>
    public static void AssertSameLines(TextReader actual, TextReader expected, string what)
    {
        for (long n = 1; ; n++)
        {
            string? a = actual.ReadLine(), e = expected.ReadLine();
            if (a is null && e is null) return;
            if (a != e)
                Assert.Fail($"{what}: first difference at line {n}\n  expected: {e ?? "<end of output>"}\n  actual:   {a ?? "<end of output>"}");
        }
    }
}

using System.CommandLine;
using Bgp.Actors.Mrt;
using Bgp.Wire.Mrt;

namespace Bgp.Cli.Mrt;

/// <summary><c>bgpactorsctl mrt ...</c>: offline tools over MRT files (RFC 6396).</summary>
internal static class MrtCommands
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var mrt = new Command("mrt", "Read MRT (RFC 6396) files");
        var file = new Argument<FileInfo>("FILE") { Description = "MRT file: plain, gzip or bzip2" };
        var dump = new Command("dump", "Print one line per route, as 'bgpdump -m' does") { file };
        dump.SetAction(parse => Dump(parse.GetValue(file)!, stdout, stderr));
        mrt.Subcommands.Add(dump);
        return mrt;
    }

    /// <summary>
    /// Exit codes: 0 when the file was read to its end (malformed records are reported on stderr
    /// and skipped), 1 when it could not be opened or its compression is corrupt.
    /// </summary>
    internal static int Dump(FileInfo file, TextWriter stdout, TextWriter stderr)
    {
        Stream input;
        try
        {
            input = MrtFile.OpenRead(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            stderr.WriteLine($"bgpactorsctl: cannot open '{file}': {e.Message}");
            return 1;
        }

        try
        {
            using var reader = new MrtReader(input);
            BgpdumpFormatter.Dump(reader, stdout, stderr);
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ICSharpCode.SharpZipLib.SharpZipBaseException)
        {
            stderr.WriteLine($"bgpactorsctl: error reading '{file}': {e.Message}");
            return 1;
        }
        finally
        {
            stdout.Flush();
        }
    }
}

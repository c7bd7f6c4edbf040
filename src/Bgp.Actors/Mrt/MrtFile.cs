using System.IO.Compression;
using Bgp.Wire.Mrt;
using ICSharpCode.SharpZipLib.BZip2;

namespace Bgp.Actors.Mrt;

/// <summary>How an MRT file on disk is compressed, as told by its first octets.</summary>
public enum MrtCompression
{
    None,
    /// <summary>RFC 1952: 1F 8B.</summary>
    Gzip,
    /// <summary>bzip2: "BZh" then the block size digit.</summary>
    Bzip2,
}

/// <summary>
/// Opens MRT files as RIS and RouteViews publish them: plain, gzip or bzip2, told apart by magic
/// bytes rather than by the file name. Lives here rather than in Bgp.Wire because bzip2 needs
/// SharpZipLib and Bgp.Wire stays BCL-only.
/// </summary>
public static class MrtFile
{
    private const int BufferSize = 64 * 1024;

    public static MrtCompression Detect(ReadOnlySpan<byte> start)
    {
        if (start.Length >= 2 && start[0] == 0x1F && start[1] == 0x8B) return MrtCompression.Gzip;
        if (start.Length >= 4 && start[0] == (byte)'B' && start[1] == (byte)'Z' && start[2] == (byte)'h'
            && start[3] is >= (byte)'1' and <= (byte)'9')
            return MrtCompression.Bzip2;
        return MrtCompression.None;
    }

    /// <summary>
    /// Opens <paramref name="path"/> for reading and returns a stream of the decompressed MRT data.
    /// Throws what <see cref="File.OpenRead"/> throws for a missing or unreadable file.
    /// </summary>
    public static Stream OpenRead(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);
        try
        {
            Span<byte> magic = stackalloc byte[4];
            int n = 0;
            while (n < magic.Length)
            {
                int r = file.Read(magic[n..]);
                if (r <= 0) break;
                n += r;
            }
            file.Position = 0;
            return Detect(magic[..n]) switch
            {
                MrtCompression.Gzip => new BufferedStream(new GZipStream(file, CompressionMode.Decompress), BufferSize),
                MrtCompression.Bzip2 => new BufferedStream(new BZip2InputStream(file) { IsStreamOwner = true }, BufferSize),
                _ => file,
            };
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>An <see cref="MrtReader"/> over the decompressed file; disposing it closes the file.</summary>
    public static MrtReader OpenReader(string path) => new(OpenRead(path));
}

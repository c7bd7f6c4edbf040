using System.IO.Compression;
using Bgp.TestKit;
using Bgp.Wire.Mrt;
using NUnit.Framework;

namespace Bgp.Wire.Tests.Mrt;

/// <summary>
/// The MRT files under testdata/mrt, decompressed into memory; gzip only, since Bgp.Wire's tests stay BCL-only.
/// </summary>
internal static class MrtTestData
{
    public static byte[] Load(string relative)
    {
        string path = TestData.Path("mrt", relative);
        if (!File.Exists(path)) Assert.Fail($"test data file missing: {path}");
        var bytes = File.ReadAllBytes(path);
        if (bytes is not [0x1F, 0x8B, ..]) return bytes;
        using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        var output = new MemoryStream();
        gz.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>Each record with the bytes it was read from (header included).</summary>
    public static IEnumerable<(MrtRecord Record, ReadOnlyMemory<byte> Bytes)> RecordsWithBytes(byte[] image)
    {
        using var reader = new MrtReader(new MemoryStream(image, writable: false));
        long start = reader.Position;
        while (reader.TryRead(out var record))
        {
            long end = record is MalformedMrtRecord { IsFatal: true } ? image.Length : reader.Position;
            yield return (record, image.AsMemory((int)start, (int)(end - start)));
            start = reader.Position;
        }
    }
}

namespace Bgp.Wire.Tests.Corpus;

/// <summary>Every corpus message, grouped by the file it comes from.</summary>
public static class CorpusSources
{
    public sealed class SourceFile(string name, IReadOnlyList<CorpusMessage> messages)
    {
        public string Name { get; } = name;
        public IReadOnlyList<CorpusMessage> Messages { get; } = messages;
        public override string ToString() => Name;
    }

    public static IEnumerable<SourceFile> Files()
    {
        yield return new SourceFile("exabgp/decoding", ExaBgpVectors.Decoding);
        foreach (var g in ExaBgpVectors.Encoding.GroupBy(m => m.Source[..m.Source.IndexOf('#')]))
            yield return new SourceFile(g.Key, g.ToList());
        foreach (var f in CaptureCorpus.Files())
            yield return new SourceFile(f.Name, f.Messages);
        foreach (var f in BmpCorpus.Files())
            yield return new SourceFile(f.Name + " (BMP)", f.Messages.SelectMany(m => m.Bgp).ToList());
    }

    public static IEnumerable<CorpusMessage> All => Files().SelectMany(f => f.Messages);
}

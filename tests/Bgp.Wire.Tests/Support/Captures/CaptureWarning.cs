namespace Bgp.Wire.Tests.Support.Captures;

/// <summary>
/// A problem met while reading a capture. Malformed input is reported this way, never thrown.
/// <paramref name="FrameNumber"/> is 1-based like Wireshark's <c>frame.number</c>, or 0 when the problem is not tied to a frame.
/// </summary>
public readonly record struct CaptureWarning(string File, int FrameNumber, string Text)
{
    public override string ToString() =>
        FrameNumber > 0 ? $"{System.IO.Path.GetFileName(File)} frame {FrameNumber}: {Text}" : $"{System.IO.Path.GetFileName(File)}: {Text}";
}

/// <summary>What a read produced (<see cref="Items"/>, in capture order) and every problem it met on the way.</summary>
public sealed class CaptureResult<T>
{
    internal CaptureResult(string file, IReadOnlyList<T> items, IReadOnlyList<CaptureWarning> warnings)
    {
        File = file;
        Items = items;
        Warnings = warnings;
    }

    /// <summary>The path (or name) the capture was read from.</summary>
    public string File { get; }

    public IReadOnlyList<T> Items { get; }

    public IReadOnlyList<CaptureWarning> Warnings { get; }

    public override string ToString() => $"{System.IO.Path.GetFileName(File)}: {Items.Count} items, {Warnings.Count} warnings";
}

/// <summary>Collects warnings for one read; bounded so that a hostile capture cannot make it grow without limit.</summary>
internal sealed class CaptureDiagnostics(string file)
{
    private const int MaxWarnings = 1000;

    private readonly List<CaptureWarning> _warnings = [];
    private int _suppressed;

    public string File { get; } = file;

    public IReadOnlyList<CaptureWarning> Warnings => _warnings;

    public void Warn(int frameNumber, string text)
    {
        if (_warnings.Count < MaxWarnings) _warnings.Add(new CaptureWarning(File, frameNumber, text));
        else _suppressed++;
    }

    /// <summary>The final list, with a closing line counting what the bound left out.</summary>
    public IReadOnlyList<CaptureWarning> Complete()
    {
        if (_suppressed > 0)
        {
            _warnings.Add(new CaptureWarning(File, 0, $"{_suppressed} further warnings suppressed"));
            _suppressed = 0;
        }
        return _warnings;
    }
}

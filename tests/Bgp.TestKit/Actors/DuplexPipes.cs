using System.IO.Pipelines;

namespace Bgp.TestKit;

/// <summary>Two in-memory ends of a connection: what one writes, the other reads. No sockets.</summary>
public static class DuplexPipes
{
    public static (IDuplexPipe A, IDuplexPipe B) CreatePair(long pauseWriterThreshold = 64 * 1024)
    {
        var options = new PipeOptions(pauseWriterThreshold: pauseWriterThreshold, resumeWriterThreshold: pauseWriterThreshold / 2,
            useSynchronizationContext: false);
        var aToB = new Pipe(options);
        var bToA = new Pipe(options);
        return (new End(bToA.Reader, aToB.Writer), new End(aToB.Reader, bToA.Writer));
    }

    private sealed class End(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}

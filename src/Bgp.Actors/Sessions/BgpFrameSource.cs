using System.Buffers;
using System.IO.Pipelines;
using Akka.Streams;
using Akka.Streams.Stage;
using Bgp.Wire;

namespace Bgp.Actors.Sessions;

/// <summary>
/// The first stage of a connection's inbound graph: reads the transport's <see cref="PipeReader"/>
/// only when downstream asks for more, cuts the BGP messages the buffer holds off it (19-octet
/// header, length at offset 16, up to 4,096 octets or 65,535 with extended messages), decodes them
/// and pushes them as one batch: the whole messages one read brought, at most
/// <see cref="BgpConnection.InboundBatchFrames"/> of them and <see cref="BgpConnection.InboundBatchBytes"/>. While nothing is pulled nothing is read, so
/// the socket's receive buffer fills and TCP closes the peer's window: this is where backpressure
/// reaches the wire. Batches rather than an element per message keep the messages between the stream
/// and the session (each one acknowledged) few when a peer sends many small UPDATEs.
/// </summary>
/// <remarks>
/// Framing and decoding share the stage because the maximum length and the decoder's context both
/// come from the OPEN exchange, which this stage negotiates itself (<see cref="BgpConnection.Negotiated"/>).
/// Frames are decoded straight off the pipe's buffer, without copying; the buffer is handed back
/// to the pipe only when it holds no further whole frame.
/// </remarks>
internal sealed class BgpFrameSource(BgpConnection connection) : GraphStage<SourceShape<List<InboundFrame>>>
{
    private readonly Outlet<List<InboundFrame>> _out = new("bgp.frames");
    private readonly BgpConnection _connection = connection;

    public override SourceShape<List<InboundFrame>> Shape => new(_out);

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("bgp-frames");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : OutGraphStageLogic
    {
        private readonly BgpFrameSource _stage;
        private readonly PipeReader _input;
        private ReadOnlySequence<byte> _buffer;
        private bool _holding;        // _buffer is a read result not yet handed back with AdvanceTo
        private bool _endOfStream;    // the last read said the peer closed its side
        private bool _reading;        // a ReadAsync is in flight
        private Action<ReadResult> _onRead = null!;
        private Action<Exception> _onReadFailed = null!;

        public Logic(BgpFrameSource stage) : base(stage.Shape)
        {
            _stage = stage;
            _input = stage._connection.Transport.Pipe.Input;
            SetHandler(stage._out, this);
        }

        private BgpConnection Connection => _stage._connection;

        public override void PreStart()
        {
            _onRead = GetAsyncCallback<ReadResult>(result =>
            {
                _reading = false;
                Accept(result);
                if (IsAvailable(_stage._out)) Produce();
            });
            _onReadFailed = GetAsyncCallback<Exception>(Failed);
        }

        public override void OnPull() => Produce();

        /// <summary>Pushes the frames the buffer holds as one batch, reading first when it holds none; one push per pull.</summary>
        private void Produce()
        {
            while (!_reading)
            {
                if (_holding)
                {
                    List<InboundFrame>? batch = null;
                    int bytes = 0;
                    while (true)
                    {
                        var status = MessageFramer.TryReadFrame(ref _buffer, Connection.Context.MaxMessageLength, out var frame, out var header, out var error);
                        if (status == FrameStatus.Message)
                        {
                            var decoded = MessageDecoder.Decode(frame, Connection.Context);
                            if (decoded.Message is OpenMessage open && decoded.IsClean) Connection.Negotiated(open);
                            (batch ??= []).Add(new InboundFrame(header.Type, decoded, (int)frame.Length));
                            bytes += (int)frame.Length;
                            // the session sends the NOTIFICATION and closes: nothing after this frame is read
                            if (decoded.Action == ErrorAction.SessionReset)
                            {
                                Push(_stage._out, batch);
                                Finish();
                                return;
                            }
                            if (bytes >= BgpConnection.InboundBatchBytes || batch.Count == BgpConnection.InboundBatchFrames) break;
                            continue;
                        }
                        if (status == FrameStatus.Error)
                        {
                            var errors = new WireErrors();
                            errors.Add(error!);
                            (batch ??= []).Add(new InboundFrame(header.Type, new DecodeResult(null, errors), 0));
                            Push(_stage._out, batch);
                            Finish();
                            return;
                        }
                        // no whole message left: hand the buffer back before anything else
                        _input.AdvanceTo(_buffer.Start, _buffer.End);
                        _holding = false;
                        break;
                    }
                    if (batch is not null)
                    {
                        Push(_stage._out, batch);
                        return;
                    }
                    if (_endOfStream)
                    {
                        CompleteStage();
                        return;
                    }
                }
                if (Connection.Stopping.IsCancellationRequested)
                {
                    CompleteStage();
                    return;
                }
                ValueTask<ReadResult> read;
                try
                {
                    read = _input.ReadAsync(Connection.Stopping);
                }
                catch (Exception e)
                {
                    Failed(e);
                    return;
                }
                if (read.IsCompletedSuccessfully)
                {
                    Accept(read.Result);
                    if (IsClosed(_stage._out)) return;
                    continue;
                }
                _reading = true;
                read.AsTask().ContinueWith(t =>
                {
                    if (t.IsCompletedSuccessfully) _onRead(t.Result);
                    else _onReadFailed(t.Exception?.InnerException ?? new OperationCanceledException());
                }, TaskContinuationOptions.ExecuteSynchronously);
                return;
            }
        }

        private void Accept(ReadResult result)
        {
            _buffer = result.Buffer;
            _holding = true;
            _endOfStream = result.IsCompleted;
            if (result.IsCanceled) Finish();
        }

        private void Failed(Exception error)
        {
            _reading = false;
            // our own DisposeAsync cancels the read and closes the transport: that is an end, not a failure
            if (error is OperationCanceledException || Connection.Stopping.IsCancellationRequested) CompleteStage();
            else FailStage(error);
        }

        private void Finish()
        {
            Release();
            CompleteStage();
        }

        private void Release()
        {
            if (!_holding) return;
            _holding = false;
            try
            {
                _input.AdvanceTo(_buffer.Start, _buffer.End);
            }
            catch (InvalidOperationException)
            {
                // the transport was completed meanwhile
            }
        }

        public override void PostStop() => Release();
    }
}

using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Bgp.Actors.Runtime;

/// <summary>The untyped face of a cell, for supervision and shutdown.</summary>
internal interface IActorCell
{
    string Path { get; }
    Task Completion { get; }
    void RequestStop();
    void EscalateFrom(IActorCell child, Exception error);

    /// <summary>Called by a child just before its completion is signalled, so its name is free once it has stopped.</summary>
    void ChildStopped(string name, IActorCell child);
}

/// <summary>
/// The machinery behind one actor: a bounded single-reader mailbox, a loop that hands messages to
/// the current instance one at a time, restarts per the parent's strategy, and the actor's
/// children. System signals (stop, escalated failures) go to a small side queue that the loop
/// checks before every user message, and a wake envelope nudges an idle loop.
/// </summary>
internal sealed class ActorCell<T> : ActorRef<T>, IActorCell
{
    private readonly Channel<Envelope<T>> _mailbox;
    private readonly Channel<T>? _queries;
    private readonly ConcurrentQueue<Exception> _escalated = new();
    private readonly ConcurrentDictionary<string, IActorCell> _children = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<Actor<T>> _factory;
    private readonly IActorCell? _parent;
    private readonly SupervisorStrategy _supervisor;
    private readonly List<DateTimeOffset> _restarts = [];
    private volatile bool _stopRequested;
    private Actor<T>? _actor;
    private TimerScheduler<T> _timers;

    public ActorCell(ActorSystem system, IActorCell? parent, string path, Func<Actor<T>> factory, ActorOptions options,
        SupervisorStrategy? supervisor = null)
    {
        System = system;
        _parent = parent;
        Path = path;
        _factory = factory;
        Options = options;
        _supervisor = supervisor ?? system.RootStrategy;
        _mailbox = Channel.CreateBounded<Envelope<T>>(new BoundedChannelOptions(options.MailboxCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        if (options.QueryMailboxCapacity > 0)
            _queries = Channel.CreateBounded<T>(new BoundedChannelOptions(options.QueryMailboxCapacity)
            {
                SingleReader = true,
                FullMode = BoundedChannelFullMode.Wait,
            });
        Log = system.LoggerFactory.CreateLogger("Bgp.Actors" + path.Replace('/', '.').TrimEnd('.'));
        _timers = new TimerScheduler<T>(this);
    }

    public ActorSystem System { get; }
    public ActorOptions Options { get; }
    public ILogger Log { get; }
    public override string Path { get; }
    public override TimeProvider Time => System.Time;
    public override Task Completion => _completion.Task;
    public override int QueuedMessages => _mailbox.Reader.Count + (_queries?.Reader.Count ?? 0);

    public void Start() => _ = Task.Run(RunAsync);

    public override async ValueTask TellAsync(T message, CancellationToken cancellationToken = default)
    {
        try
        {
            if (_queries is not null && message is IQueryMessage)
            {
                await _queries.Writer.WriteAsync(message, cancellationToken).ConfigureAwait(false);
                Nudge();
                return;
            }
            await _mailbox.Writer.WriteAsync(new Envelope<T>(EnvelopeKind.User, message, null, 0), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            System.CountDeadLetter();
        }
    }

    public override bool TryTell(T message)
    {
        if (_queries is not null && message is IQueryMessage)
        {
            if (_queries.Writer.TryWrite(message))
            {
                Nudge();
                return true;
            }
            if (_completion.Task.IsCompleted) System.CountDeadLetter();
            return false;
        }
        if (_mailbox.Writer.TryWrite(new Envelope<T>(EnvelopeKind.User, message, null, 0))) return true;
        if (_completion.Task.IsCompleted) System.CountDeadLetter();
        return false;
    }

    /// <summary>Timer expiries must not be lost to a full mailbox: wait for room off the timer thread.</summary>
    internal void PostTimer(Envelope<T> envelope)
    {
        if (_mailbox.Writer.TryWrite(envelope)) return;
        _ = WriteLaterAsync(envelope);
    }

    private async Task WriteLaterAsync(Envelope<T> envelope)
    {
        try
        {
            await _mailbox.Writer.WriteAsync(envelope).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // the actor stopped; its timers died with it
        }
    }

    public void RequestStop()
    {
        _stopRequested = true;
        Nudge();
    }

    /// <summary>
    /// Wakes an idle loop. When the mailbox is full the wake is not needed: the loop is busy and
    /// looks at the side queues before its next message.
    /// </summary>
    private void Nudge() => _mailbox.Writer.TryWrite(new Envelope<T>(EnvelopeKind.Wake, default!, null, 0));

    public void ChildStopped(string name, IActorCell child) =>
        _children.TryRemove(new KeyValuePair<string, IActorCell>(name, child));

    public void EscalateFrom(IActorCell child, Exception error)
    {
        _escalated.Enqueue(error);
        Nudge();
    }

    public ActorRef<TChild> SpawnChild<TChild>(string name, Func<Actor<TChild>> factory, ActorOptions options)
    {
        if (_stopRequested) throw new InvalidOperationException($"{Path} is stopping and cannot spawn {name}");
        var child = new ActorCell<TChild>(System, this, Path + "/" + name, factory, options, Options.ChildStrategy);
        if (!_children.TryAdd(name, child)) throw new InvalidOperationException($"{Path} already has a child named {name}");
        child.Start();
        return child;
    }

    private async Task RunAsync()
    {
        try
        {
            bool running = await StartInstanceAsync().ConfigureAwait(false);
            var reader = _mailbox.Reader;
            while (running)
            {
                // one query, then one ordinary message: neither queue can starve the other
                bool queried = false;
                if (_queries is not null && !_stopRequested && _queries.Reader.TryRead(out var query))
                {
                    running = await DeliverAsync(query).ConfigureAwait(false);
                    if (!running) break;
                    queried = true;
                }
                if (!reader.TryRead(out var envelope))
                {
                    if (_stopRequested) break;
                    if (queried) continue;
                    if (!await reader.WaitToReadAsync().ConfigureAwait(false)) break;
                    continue;
                }
                if (_stopRequested) break;
                while (running && _escalated.TryDequeue(out var escalated))
                    running = await HandleFailureAsync(escalated).ConfigureAwait(false);
                if (!running) break;

                switch (envelope.Kind)
                {
                    case EnvelopeKind.Wake:
                        continue;
                    case EnvelopeKind.Timer when !_timers.Accept(envelope.TimerKey!, envelope.Generation):
                        continue;
                }
                running = await DeliverAsync(envelope.Message).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            Log.LogError(ex, "actor {Path}: the runtime loop failed", Path);
        }
        finally
        {
            _stopRequested = true;
            _mailbox.Writer.TryComplete();
            _queries?.Writer.TryComplete();
            await StopChildrenAsync().ConfigureAwait(false);
            await StopInstanceAsync().ConfigureAwait(false);
            while (_mailbox.Reader.TryRead(out var left))
                if (left.Kind == EnvelopeKind.User) System.CountDeadLetter();
            while (_queries is not null && _queries.Reader.TryRead(out _)) System.CountDeadLetter();
            _parent?.ChildStopped(Path[(Path.LastIndexOf('/') + 1)..], this);
            _completion.TrySetResult();
        }
    }

    /// <summary>Hands one message to the instance; false when a failure stopped the actor.</summary>
    private async ValueTask<bool> DeliverAsync(T message)
    {
        try
        {
            await _actor!.ReceiveHook(message).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex)
        {
            return await HandleFailureAsync(ex).ConfigureAwait(false);
        }
    }

    /// <summary>Creates and starts an instance; on failure asks the supervisor, possibly several times.</summary>
    private async Task<bool> StartInstanceAsync()
    {
        while (true)
        {
            try
            {
                _timers = new TimerScheduler<T>(this);
                _actor = _factory();
                _actor.Attach(new ActorContext<T>(this, _timers));
                await _actor.StartHook().ConfigureAwait(false);
                return true;
            }
            catch (Exception ex)
            {
                var directive = Decide(ex, "start");
                if (directive != Directive.Restart || !await BackOffAsync().ConfigureAwait(false))
                {
                    if (directive == Directive.Escalate) _parent?.EscalateFrom(this, ex);
                    return false;
                }
                await StopInstanceAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Applies the supervisor's directive to a failed handler. False means the loop must end.</summary>
    private async Task<bool> HandleFailureAsync(Exception error)
    {
        switch (Decide(error, "message"))
        {
            case Directive.Resume:
                return true;
            case Directive.Restart:
                if (!await BackOffAsync().ConfigureAwait(false)) return false;
                await StopChildrenAsync().ConfigureAwait(false);
                await StopInstanceAsync().ConfigureAwait(false);
                return await StartInstanceAsync().ConfigureAwait(false);
            case Directive.Escalate:
                _parent?.EscalateFrom(this, error);
                return false;
            default:
                return false;
        }
    }

    private Directive Decide(Exception error, string where)
    {
        Directive directive;
        try
        {
            directive = _supervisor.Decider(error);
        }
        catch (Exception deciderError)
        {
            Log.LogError(deciderError, "actor {Path}: the supervisor's decider threw; stopping", Path);
            directive = Directive.Stop;
        }
        Log.LogError(error, "actor {Path} failed in {Where}: {Error}; supervisor says {Directive}", Path, where, error.Message, directive);
        return directive;
    }

    /// <summary>Counts a restart in the window and waits its backoff; false when the restart budget is spent.</summary>
    private async Task<bool> BackOffAsync()
    {
        var now = System.Time.GetUtcNow();
        _restarts.RemoveAll(t => now - t > _supervisor.Window);
        if (_restarts.Count >= _supervisor.MaxRestarts)
        {
            Log.LogError("actor {Path}: {Count} restarts within {Window}; stopping it", Path, _restarts.Count, _supervisor.Window);
            return false;
        }
        _restarts.Add(now);
        var delay = _supervisor.BackoffFor(_restarts.Count);
        if (delay > TimeSpan.Zero) await Task.Delay(delay, System.Time).ConfigureAwait(false);
        return !_stopRequested;
    }

    private async Task StopInstanceAsync()
    {
        _timers.CancelAll();
        var actor = _actor;
        _actor = null;
        if (actor is null) return;
        try
        {
            await actor.StopHook().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.LogError(ex, "actor {Path}: stop hook failed", Path);
        }
    }

    private async Task StopChildrenAsync()
    {
        var children = _children.Values.ToList();
        foreach (var child in children) child.RequestStop();
        await Task.WhenAll(children.Select(c => c.Completion)).ConfigureAwait(false);
    }
}

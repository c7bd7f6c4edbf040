using System.Net;
using Microsoft.Extensions.Logging;
using ConfigLevel = Bgp.Actors.Config.LogLevel;

namespace Bgp.Actors.Sessions;

/// <summary>
/// A session's logger: every entry carries the peer's address and AS as structured fields (a
/// scope, which the JSON console output writes out), and the neighbor's own <c>log_level</c>
/// decides what is written. All sessions log under the category <see cref="Category"/>, which the
/// daemon leaves unfiltered so a neighbor can be more verbose than the rest of the daemon.
/// </summary>
public sealed class PeerLogger(ILogger inner, IPAddress peer, Func<uint> remoteAs, Func<ConfigLevel> level) : ILogger
{
    public const string Category = "Bgp.Peer";

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel >= ToMicrosoft(level()) && inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        using (inner.BeginScope(new PeerScope(peer, remoteAs())))
            inner.Log(logLevel, eventId, state, exception, formatter);
    }

    public static LogLevel ToMicrosoft(ConfigLevel level) => level switch
    {
        ConfigLevel.Trace => LogLevel.Trace,
        ConfigLevel.Debug => LogLevel.Debug,
        ConfigLevel.Info => LogLevel.Information,
        ConfigLevel.Warn => LogLevel.Warning,
        _ => LogLevel.Error,
    };

    /// <summary>The structured fields: <c>{"Peer": "192.0.2.1", "RemoteAs": 65001}</c>.</summary>
    private sealed class PeerScope(IPAddress peer, uint remoteAs) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 2;

        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("Peer", peer.ToString()),
            1 => new("RemoteAs", remoteAs),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
            yield return this[1];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"peer {peer} AS{remoteAs}";
    }
}

using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using Microsoft.Extensions.Logging;

namespace Bgp.Actors.Typed;

/// <summary>
/// Akka's own log events (a supervised actor's failure, a restart budget spent, dead letters at
/// debug) written through the daemon's logger factory under the category <c>Akka</c>, so they come
/// out in the configured format (JSON lines or text) beside ours instead of on Akka's stdout logger.
/// Named in <see cref="BgpActorSystem.Defaults"/> as <c>akka.loggers</c>.
/// </summary>
public sealed class AkkaLogBridge : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public AkkaLogBridge()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(Write);
    }

    private void Write(LogEvent e)
    {
        var log = ActorServices.Of(Context.System).LoggerFactory.CreateLogger("Akka");
        var level = e.LogLevel() switch
        {
            Akka.Event.LogLevel.ErrorLevel => Microsoft.Extensions.Logging.LogLevel.Error,
            Akka.Event.LogLevel.WarningLevel => Microsoft.Extensions.Logging.LogLevel.Warning,
            Akka.Event.LogLevel.InfoLevel => Microsoft.Extensions.Logging.LogLevel.Information,
            _ => Microsoft.Extensions.Logging.LogLevel.Debug,
        };
        if (!log.IsEnabled(level)) return;
        var cause = e is Error { Cause: { } exception } ? exception : null;
        log.Log(level, cause, "{Source}: {Message}", e.LogSource, e.Message?.ToString());
    }
}

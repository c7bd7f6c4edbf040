using System.Runtime.InteropServices;

namespace Bgp.Host;

/// <summary>
/// SIGHUP always means "reload" to bgpactorsd. A process started under <c>nohup</c> (or by a parent that ignores
/// SIGHUP) inherits the signal as ignored, and .NET leaves an ignored signal alone: the daemon would never see a reload.
/// Restoring the default disposition before <see cref="PosixSignalRegistration"/> takes the signal fixes that; a
/// terminal hang-up then reloads the configuration instead of doing nothing, as it does for BIRD and nginx.
/// </summary>
internal static class HangupSignal
{
    private const int SigHup = 1;          // Linux, and every other Unix .NET runs on
    private static readonly nint SigDfl = 0;

    public static void RestoreDefault()
    {
        if (OperatingSystem.IsWindows()) return;
        _ = Signal(SigHup, SigDfl);
    }

    [DllImport("libc", EntryPoint = "signal")]
    private static extern nint Signal(int signum, nint handler);
}

using System.Runtime.InteropServices;
using System.Text;

namespace Bgp.Actors.Config.Persistence;

/// <summary>
/// Replaces a file so that a crash at any moment leaves either the old content or the new, never a
/// mix: write a temporary file in the same directory, fsync it, rename it over the target (atomic
/// within one file system, POSIX rename(2)), then fsync the directory so the rename itself is on
/// disk. The temporary file is named <c>.NAME.RANDOM.tmp</c>; <see cref="CleanLeftovers"/> removes
/// those a crash left behind. The new file keeps the old one's Unix permissions (a config holding
/// MD5 passwords is usually 0600).
/// </summary>
public static class AtomicFile
{
    private const string TempSuffix = ".tmp";

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> atomically and durably.</summary>
    /// <param name="beforeRename">Test hook: runs after the temporary file is written and synced, before the rename.</param>
    public static void Write(string path, ReadOnlySpan<byte> content, Action<string>? beforeRename = null)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        string temp = Path.Combine(directory, $"{TempPrefix(full)}{Guid.NewGuid():N}{TempSuffix}");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = File.Exists(full)
                ? File.GetUnixFileMode(full)
                : UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);   // fsync(2): the bytes are on disk before the name points at them
            }
            beforeRename?.Invoke(temp);
            File.Move(temp, full, overwrite: true);   // rename(2)
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        SyncDirectory(directory);
    }

    /// <summary>Deletes temporary files an interrupted <see cref="Write"/> left beside <paramref name="path"/>; returns how many.</summary>
    public static int CleanLeftovers(string path)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory)) return 0;
        int removed = 0;
        foreach (string leftover in Directory.EnumerateFiles(directory, TempPrefix(full) + "*" + TempSuffix))
        {
            if (TryDelete(leftover)) removed++;
        }
        return removed;
    }

    private static string TempPrefix(string fullPath) => "." + Path.GetFileName(fullPath) + ".";

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// fsync(2) on the directory makes the rename durable. .NET refuses to open a directory as a file
    /// handle, so on Linux and macOS this calls libc directly: open(dir, O_RDONLY), fsync, close.
    /// Windows has no directory fsync; NTFS journals the rename itself.
    /// </summary>
    private static void SyncDirectory(string directory)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())) return;
        int fd = Native.Open(Encoding.UTF8.GetBytes(directory + "\0"), 0 /* O_RDONLY */);
        if (fd < 0) throw new IOException($"cannot open directory '{directory}' to sync it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (Native.Fsync(fd) != 0) throw new IOException($"fsync of directory '{directory}' failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            _ = Native.Close(fd);
        }
    }

    // DllImport rather than LibraryImport: the generated marshalling needs unsafe code, which this project does not allow.
    private static class Native
    {
        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        internal static extern int Open(byte[] path, int flags);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        internal static extern int Fsync(int fd);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        internal static extern int Close(int fd);
    }
}

// Unix sockets, file modes and Debian's Python client: these tests run on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

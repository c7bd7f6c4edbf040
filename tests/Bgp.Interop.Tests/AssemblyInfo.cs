// The lab runs Linux daemons on Linux loopback addresses and signals them by PID.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

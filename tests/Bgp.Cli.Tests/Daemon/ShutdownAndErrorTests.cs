using NUnit.Framework;

namespace Bgp.Cli.Tests.Daemon;

/// <summary>Exit codes and one-line errors: unreachable daemons, bad arguments, refused requests; shutdown.</summary>
[TestFixture]
[NonParallelizable]
public class ShutdownAndErrorTests
{
    [Test]
    public void An_unreachable_daemon_is_one_line_and_exit_1()
    {
        var dir = Directory.CreateTempSubdirectory("bgpctl-none-").FullName;
        try
        {
            var socket = Path.Combine(dir, "grpc.sock");
            foreach (var verb in new[] { "health", "neighbor", "rib", "global", "metrics" })
            {
                var result = Ctl.Run("--addr", "unix://" + socket, verb);
                Assert.That(result.Exit, Is.EqualTo(1), result.ToString());
                Assert.That(result.Out, Is.Empty);
                Assert.That(result.Err, Is.EqualTo($"bgpactorsctl: cannot reach bgpactorsd at unix://{socket}: there is no socket {socket} (is it running? --addr or $BGPACTORS_ADDR chooses the address)\n"));
            }
            var refused = Ctl.Run("--addr", "http://127.31.2.1:9", "health", "--timeout", "5");
            Assert.That(refused.Exit, Is.EqualTo(1));
            Assert.That(refused.Err, Does.StartWith("bgpactorsctl: cannot reach bgpactorsd at http://127.31.2.1:9: "));
            Assert.That(refused.Err.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestCase(new[] { "neighbor", "add", "192.0.2.1" }, "Option '--remote-as' is required.", "neighbor add")]
    [TestCase(new[] { "rib", "--bogus" }, "Unrecognized command or argument '--bogus'.", "rib")]
    [TestCase(new[] { "rib", "--family", "ipv5" }, "Argument 'ipv5' not recognized", "rib")]
    [TestCase(new[] { "frobnicate" }, "Unrecognized command or argument 'frobnicate'.", "")]
    [TestCase(new[] { "completions", "tcsh" }, "Argument 'tcsh' not recognized", "completions")]
    public void Bad_arguments_exit_2_with_a_hint(string[] args, string message, string command)
    {
        var result = Ctl.Run(args);
        Assert.That(result.Exit, Is.EqualTo(2), result.ToString());
        var lines = result.Err.TrimEnd('\n').Split('\n');
        Assert.That(lines[0], Does.StartWith("bgpactorsctl: " + message));
        Assert.That(lines[1], Is.EqualTo($"Try 'bgpactorsctl {(command.Length > 0 ? command + " " : "")}--help'."));
    }

    [TestCase(new[] { "--addr", "ftp://host", "health" }, "cannot use address 'ftp://host'")]
    [TestCase(new[] { "--addr", "unix:relative.sock", "health" }, "cannot use address 'unix:relative.sock': a unix socket needs an absolute path")]
    [TestCase(new[] { "--addr", "http://127.0.0.1:1", "--cert", "/nonexistent.pem", "health" }, "--cert and --key go together")]
    [TestCase(new[] { "--addr", "unix:///tmp/x.sock", "--timeout", "0", "health" }, "--timeout must be more than 0 seconds")]
    [TestCase(new[] { "--addr", "unix:///tmp/x.sock", "rib", "--longer" }, "--longer needs a PREFIX")]
    [TestCase(new[] { "--addr", "unix:///tmp/x.sock", "rib", "192.0.2.0/24", "--received", "a", "--advertised", "b" }, "--received and --advertised cannot be combined")]
    [TestCase(new[] { "--addr", "unix:///tmp/x.sock", "inject", "add", "192.0.2.0/24", "--next-hop", "192.0.2.1", "--community", "65000:x" }, "--community 65000:x: not a community")]
    [TestCase(new[] { "--addr", "unix:///tmp/x.sock", "watch", "--current" }, "--current needs --routes")]
    public void Usage_mistakes_found_before_calling_exit_2(string[] args, string message)
    {
        var result = Ctl.Run(args);
        Assert.That(result.Exit, Is.EqualTo(2), result.ToString());
        Assert.That(result.Err, Does.StartWith("bgpactorsctl: " + message));
    }

    [Test]
    public async Task Refused_requests_name_the_status_and_shutdown_stops_the_daemon()
    {
        using var pair = await DaemonPair.StartAsync("127.31.2.1", "127.31.2.2");
        var unknown = Ctl.Run("--addr", pair.AddrA, "neighbor", "192.0.2.77");
        Assert.That(unknown.Exit, Is.EqualTo(1));
        Assert.That(unknown.Err, Does.Match(@"^bgpactorsctl: .*192\.0\.2\.77.* \(NOT_FOUND\)\n$"));

        var badPrefix = Ctl.Run("--addr", pair.AddrA, "rib", "300.1.2.0/24");
        Assert.That(badPrefix.Exit, Is.EqualTo(1));
        Assert.That(badPrefix.Err, Does.EndWith("(INVALID_ARGUMENT)\n"));

        var unconfirmed = Ctl.Run("--addr", pair.AddrA, "shutdown");
        Assert.That(unconfirmed.Exit, Is.EqualTo(2));
        Assert.That(unconfirmed.Err, Does.Contain("--yes"));
        Assert.That(pair.A.HasExited, Is.False);

        var shutdown = Ctl.Run("--addr", pair.AddrA, "shutdown", "--yes", "--reason", "CLI test over");
        Assert.That(shutdown.Exit, Is.EqualTo(0), shutdown.ToString());
        Assert.That(shutdown.Out.Trim(), Is.EqualTo("bgpactorsd is shutting down"));
        Assert.That(await pair.A.WaitForExitAsync(DaemonPair.Wait), Is.EqualTo(0));
    }
}

using Bgp.Interop.Tests.Lab;

namespace Bgp.Interop.Tests;

/// <summary>Self-tests of shutdown with a communication (RFC 8203/9003), session re-enable and daemon restart.</summary>
public sealed class LabLifecycleTests : LabTestBase
{
    [Test]
    public async Task Frr_shutdown_text_reaches_Bird_and_enabling_the_neighbor_brings_the_session_back_RFC9003()
    {
        var bird = await StartAsync(PeerKind.Bird, Between(PeerKind.Bird, PeerKind.Frr) with { Passive = true });
        var frr = await StartAsync(PeerKind.Frr, Between(PeerKind.Frr, PeerKind.Bird));
        await bird.WaitForEstablishedAsync(EstablishTimeout);

        await frr.ShutdownSessionAsync("maintenance window");

        var down = await bird.WaitForSessionAsync(s => s.LastShutdownCommunication == "maintenance window", RouteTimeout, "told 'maintenance window'");
        Assert.That(down.Established, Is.False, down.ToString);
        await frr.EnableSessionAsync();
        await bird.WaitForEstablishedAsync(EstablishTimeout);
    }

    [Test]
    public async Task Bird_shutdown_text_reaches_Frr_RFC9003()
    {
        var frr = await StartAsync(PeerKind.Frr, Between(PeerKind.Frr, PeerKind.Bird) with { Passive = true });
        var bird = await StartAsync(PeerKind.Bird, Between(PeerKind.Bird, PeerKind.Frr));
        await frr.WaitForEstablishedAsync(EstablishTimeout);

        await bird.ShutdownSessionAsync("bird going away");

        var down = await frr.WaitForSessionAsync(s => s.LastShutdownCommunication == "bird going away", RouteTimeout, "told 'bird going away'");
        Assert.That(down.LastError, Does.Contain("Administrative Shutdown"), down.ToString);
    }

    [Test]
    public async Task OpenBgpd_and_GoBgp_shutdown_texts_reach_each_other_RFC9003()
    {
        var gobgp = await StartAsync(PeerKind.GoBgp, Between(PeerKind.GoBgp, PeerKind.OpenBgpd) with { Passive = true });
        var openbgpd = await StartAsync(PeerKind.OpenBgpd, Between(PeerKind.OpenBgpd, PeerKind.GoBgp));
        await gobgp.WaitForEstablishedAsync(EstablishTimeout);

        await gobgp.ShutdownSessionAsync("gobgp leaving");
        await openbgpd.WaitForSessionAsync(s => s.LastShutdownCommunication == "gobgp leaving", RouteTimeout, "told 'gobgp leaving'");

        // OpenBGPD holds an Idle peer for a while after a NOTIFICATION; a restart of it is the quick way back.
        await gobgp.EnableSessionAsync();
        await openbgpd.RestartAsync();
        await gobgp.WaitForEstablishedAsync(EstablishTimeout);

        await openbgpd.ShutdownSessionAsync("openbgpd leaving");
        await gobgp.WaitForSessionAsync(s => s.LastShutdownCommunication == "openbgpd leaving", RouteTimeout, "told 'openbgpd leaving'");
    }

    [Test]
    public async Task ExaBgp_teardown_sends_administrative_shutdown_and_it_reconnects_by_itself()
    {
        var bird = await StartAsync(PeerKind.Bird, Between(PeerKind.Bird, PeerKind.ExaBgp) with { Passive = true });
        var exabgp = await StartAsync(PeerKind.ExaBgp, Between(PeerKind.ExaBgp, PeerKind.Bird));
        await bird.WaitForEstablishedAsync(EstablishTimeout);

        await exabgp.ShutdownSessionAsync("ignored by ExaBGP");

        // ExaBGP 4.2 sends its fixed communication, then reconnects after its first (1 s) backoff.
        await bird.WaitForSessionAsync(s => s.LastShutdownCommunication == "Administrative Shutdown", RouteTimeout, "told by ExaBGP");
        await bird.WaitForEstablishedAsync(EstablishTimeout);
        await AssertReceivesRoutesOfAsync(bird, exabgp);
    }

    [Test]
    public async Task ExaBgp_4_2_cannot_decode_a_received_shutdown_communication_and_answers_with_a_header_error()
    {
        var exabgp = await StartAsync(PeerKind.ExaBgp, Between(PeerKind.ExaBgp, PeerKind.Bird) with { Passive = true });
        var bird = await StartAsync(PeerKind.Bird, Between(PeerKind.Bird, PeerKind.ExaBgp));
        await exabgp.WaitForEstablishedAsync(EstablishTimeout);

        await bird.ShutdownSessionAsync("bird going away");

        // Known ExaBGP 4.2.21 bug, written down in docs/INTEROP-LAB.md: if this starts failing, ExaBGP got fixed.
        var down = await exabgp.WaitForSessionAsync(s => !s.Established && s.LastError is not null, RouteTimeout, "down");
        Assert.That(down.LastError, Does.Contain("can not decode update message of type \"3\""), down.ToString);
        Assert.That(down.LastShutdownCommunication, Is.Null);
    }

    [Test]
    public async Task Restarting_Bird_by_pid_reestablishes_with_Frr_and_its_routes_return()
    {
        var bird = await StartAsync(PeerKind.Bird, Between(PeerKind.Bird, PeerKind.Frr));
        var frr = await StartAsync(PeerKind.Frr, Between(PeerKind.Frr, PeerKind.Bird));
        await frr.WaitForEstablishedAsync(EstablishTimeout);
        await AssertReceivesRoutesOfAsync(frr, bird);
        int oldPid = bird.Pid!.Value;

        await bird.RestartAsync();

        Assert.That(bird.Pid, Is.Not.Null.And.Not.EqualTo(oldPid));
        Assert.That(Directory.Exists($"/proc/{oldPid}"), Is.False, "the old BIRD is gone");
        await bird.WaitForEstablishedAsync(EstablishTimeout);
        await frr.WaitForEstablishedAsync(EstablishTimeout);
        await AssertReceivesRoutesOfAsync(frr, bird);
        await AssertReceivesRoutesOfAsync(bird, frr);
    }

    [Test]
    public async Task Restarting_OpenBgpd_leaves_none_of_its_processes_behind_and_a_passive_Frr_sees_it_return()
    {
        var frr = await StartAsync(PeerKind.Frr, Between(PeerKind.Frr, PeerKind.OpenBgpd) with { Passive = true });
        var openbgpd = await StartAsync(PeerKind.OpenBgpd, Between(PeerKind.OpenBgpd, PeerKind.Frr));
        await frr.WaitForEstablishedAsync(EstablishTimeout);
        int oldPid = openbgpd.Pid!.Value;
        var children = DaemonProcess.Descendants(oldPid);
        Assert.That(children, Is.Not.Empty, "OpenBGPD runs a session and a route engine");

        await openbgpd.RestartAsync();

        Assert.That(new[] { oldPid }.Concat(children.Select(c => c.Pid)).Where(p => Directory.Exists($"/proc/{p}")), Is.Empty,
            "every old OpenBGPD process is gone (unless a PID was reused)");
        await frr.WaitForEstablishedAsync(EstablishTimeout);
        await AssertReceivesRoutesOfAsync(frr, openbgpd);
    }

    [Test]
    public async Task Stopping_a_peer_twice_is_harmless_and_leaves_no_process()
    {
        var bird = await StartAsync(PeerKind.Bird, Between(PeerKind.Bird, PeerKind.Frr));
        int pid = bird.Pid!.Value;

        await bird.StopAsync();
        await bird.StopAsync();

        Assert.That(bird.Pid, Is.Null);
        Assert.That(Directory.Exists($"/proc/{pid}"), Is.False);
    }

    [Test]
    public async Task DescribeAsync_names_the_peer_its_pid_its_session_and_the_tail_of_its_logs()
    {
        var bird = await StartAsync(PeerKind.Bird, Between(PeerKind.Bird, PeerKind.Frr) with { Passive = true });

        string description = await bird.DescribeAsync();

        Assert.That(description, Does.Contain($"Bird {SelfTestAddress(PeerKind.Bird)} AS65001"));
        Assert.That(description, Does.Contain($"pid {bird.Pid}"));
        Assert.That(description, Does.Contain("session: ").And.Contain("received 0:"));
        Assert.That(description, Does.Contain("tail of " + bird.StderrPath).And.Contain("Started"));
    }
}

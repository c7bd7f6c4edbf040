using BgpConfig = Bgp.Actors.Config.BgpConfig;
using Bgp.TestKit;
using Grpc.Core;
using Bgp.Api.V1;
using NUnit.Framework;
using Policy = Bgp.Api.V1.Policy;

namespace Bgp.Host.Tests;

/// <summary>PolicyService and PeerGroupService on a running daemon: changes validated, persisted, listed back.</summary>
public partial class DaemonApiTests
{
    private const string PolicyNeighbors = """

        [peer_groups.members]
        description = "IXP members"

        [[neighbors]]
        address = "127.10.0.2"
        remote_asn = 65002
        passive = true
        peer_group = "members"
        """;

    private static Policy MemberOut()
    {
        var policy = new Policy { Name = "member-out", DefaultAction = "accept", Description = "per-member export" };
        policy.Statements.Add(new Statement
        {
            Name = "no-bogons",
            Action = StatementAction.Reject,
            Match = new Match { PrefixSet = "bogons" },
        });
        var tag = new Statement
        {
            Name = "tag",
            Action = StatementAction.Accept,
            Match = new Match { AsPath = "^65001_", LocalPref = "100..200" },
            Set = new Actions { Med = "+10", NextHop = "self", AsPathPrepend = new Prepend { Asn = "own", Times = 2 } },
        };
        tag.Match.Communities.Add("65000:*");
        tag.Set.Communities = new CommunityEdit();
        tag.Set.Communities.Add.Add("65000:100");
        tag.Set.Communities.Remove.Add("65001:*");
        policy.Statements.Add(tag);
        return policy;
    }

    [Test]
    public async Task Policies_sets_and_chains_set_through_the_api_are_validated_persisted_and_listed()
    {
        using var daemon = await StartAsync(PolicyNeighbors);
        var set = new DefinedSet { Type = DefinedSetType.Prefix, Name = "bogons" };
        set.Members.AddRange(["10.0.0.0/8 le 32", "192.168.0.0/16 le 32"]);
        var stored = await _api!.Unary(_api.Policies.SetDefinedSetAsync, new SetDefinedSetRequest { Set = set });
        Assert.That(stored.Members, Is.EqualTo(new[] { "10.0.0.0/8 le 32", "192.168.0.0/16 le 32" }));

        var policy = await _api!.Unary(_api.Policies.SetPolicyAsync, new SetPolicyRequest { Policy = MemberOut() });
        Assert.That(policy, Is.EqualTo(MemberOut()), "read back as written");

        var chain = new SetChainRequest { Target = new ChainTarget { PeerGroup = "members" }, Direction = PolicyDirection.Export };
        chain.Policies.Add("member-out");
        var response = await _api!.Unary(_api.Policies.SetChainAsync, chain);
        Assert.That(response.Chain.ExportPolicy, Is.EqualTo(new[] { "member-out" }));

        // what the file now says, read by the daemon's own loader
        var file = BgpConfig.Load(ConfigPath).Config!;
        Assert.That(file.Policy.FindPolicy("member-out")!.Statements.Select(s => s.Name), Is.EqualTo(new[] { "no-bogons", "tag" }));
        Assert.That(file.FindNeighbor(System.Net.IPAddress.Parse("127.10.0.2"))!.ExportPolicy, Is.EqualTo(new Bgp.Wire.EquatableArray<string>(["member-out"])),
            "the member inherits the group's chain");
        Assert.That(File.ReadAllText(ConfigPath), Does.StartWith("# API test\n"), "the operator's text is kept");
        Assert.That(File.ReadAllText(ConfigPath), Does.Contain("as_path_prepend = 2"), "our own AS twice, written as people write it");
        Assert.That(file.Policy.FindPolicy("member-out")!.Statements[1].Set.AsPathPrepend, Is.EqualTo(new Bgp.Actors.Config.PrependSetting(Bgp.Actors.Config.PrependSource.Own, 0, 2)));

        var list = await _api!.Unary(_api.Policies.ListPoliciesAsync, new ListPoliciesRequest());
        Assert.That(list.Policies.Select(p => p.Name), Is.EqualTo(new[] { "member-out" }));
        Assert.That(list.Chains.Select(c => (c.Target.PeerGroup, c.Target.Neighbor, string.Join(",", c.ExportPolicy))),
            Is.EquivalentTo(new[] { ("members", "", "member-out"), ("", "127.10.0.2", "member-out") }));

        // replacing keeps one definition
        var shorter = MemberOut();
        shorter.Statements.RemoveAt(1);
        await _api!.Unary(_api.Policies.SetPolicyAsync, new SetPolicyRequest { Policy = shorter });
        Assert.That(BgpConfig.Load(ConfigPath).Config!.Policy.FindPolicy("member-out")!.Statements.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task Invalid_or_dangling_policy_changes_are_refused_and_leave_the_file_alone()
    {
        using var daemon = await StartAsync(PolicyNeighbors);
        string before = File.ReadAllText(ConfigPath);

        var unknownSet = Assert.ThrowsAsync<RpcException>(() => _api!.Unary(_api.Policies.SetPolicyAsync, new SetPolicyRequest { Policy = MemberOut() }));
        Assert.That(unknownSet!.StatusCode, Is.EqualTo(StatusCode.FailedPrecondition));
        Assert.That(unknownSet.Status.Detail, Does.Contain("unknown prefix set `bogons`"));

        var rejectWithSet = new Policy { Name = "bad" };
        rejectWithSet.Statements.Add(new Statement { Action = StatementAction.Reject, Set = new Actions { LocalPref = "200" } });
        var conflict = Assert.ThrowsAsync<RpcException>(() => _api!.Unary(_api.Policies.SetPolicyAsync, new SetPolicyRequest { Policy = rejectWithSet }));
        Assert.That(conflict!.Status.Detail, Does.Contain("a `reject` statement cannot change the route"));

        var regex = new Policy { Name = "bad" };
        regex.Statements.Add(new Statement { Action = StatementAction.Accept, Match = new Match { AsPath = "(65001" } });
        Assert.That(Assert.ThrowsAsync<RpcException>(() => _api!.Unary(_api.Policies.SetPolicyAsync, new SetPolicyRequest { Policy = regex }))!.Status.Detail, Does.Contain("`as_path` is not a valid expression"));

        var chain = new SetChainRequest { Target = new ChainTarget { Neighbor = "127.10.0.2" }, Direction = PolicyDirection.Import };
        chain.Policies.Add("nope");
        Assert.That(Assert.ThrowsAsync<RpcException>(() => _api!.Unary(_api.Policies.SetChainAsync, chain))!
            .Status.Detail, Does.Contain("unknown policy `nope`"));
        Assert.That(File.ReadAllText(ConfigPath), Is.EqualTo(before));

        // a policy in a chain, and a set in a policy, cannot be deleted
        var set = new DefinedSet { Type = DefinedSetType.Prefix, Name = "bogons" };
        set.Members.Add("10.0.0.0/8 le 32");
        await _api!.Unary(_api.Policies.SetDefinedSetAsync, new SetDefinedSetRequest { Set = set });
        await _api!.Unary(_api.Policies.SetPolicyAsync, new SetPolicyRequest { Policy = MemberOut() });
        chain.Policies[0] = "member-out";
        await _api!.Unary(_api.Policies.SetChainAsync, chain);
        var inUse = Assert.ThrowsAsync<RpcException>(() => _api!.Unary(_api.Policies.DeletePolicyAsync, new DeletePolicyRequest { Name = "member-out" }));
        Assert.That((inUse!.StatusCode, inUse.Status.Detail), Is.EqualTo((StatusCode.FailedPrecondition,
            "policy `member-out` is in the chains of neighbor 127.10.0.2; take it out of them first")));
        Assert.That(Assert.ThrowsAsync<RpcException>(() => _api!.Unary(_api.Policies.DeleteDefinedSetAsync, new DeleteDefinedSetRequest { Type = DefinedSetType.Prefix, Name = "bogons" }))!.StatusCode, Is.EqualTo(StatusCode.FailedPrecondition));

        // clearing the chain frees the policy
        chain.Policies.Clear();
        await _api!.Unary(_api.Policies.SetChainAsync, chain);
        await _api!.Unary(_api.Policies.DeletePolicyAsync, new DeletePolicyRequest { Name = "member-out" });
        Assert.That(BgpConfig.Load(ConfigPath).Config!.Policy.Policies.Count, Is.Zero);
    }

    [Test]
    public async Task Peer_groups_are_created_changed_listed_with_members_and_not_deleted_while_used()
    {
        using var daemon = await StartAsync(PolicyNeighbors);
        var group = new PeerGroup { Name = "transit", Description = "upstreams", HoldTime = 30, RouteServerClient = false };
        group.Families.Add(Family.Ipv4Unicast);
        var created = await _api!.Unary(_api.PeerGroups.SetPeerGroupAsync, new SetPeerGroupRequest { PeerGroup = group });
        Assert.That((created.Name, created.Description, created.HoldTime, created.HasRouteServerClient), Is.EqualTo(("transit", "upstreams", 30u, true)));

        var members = await _api!.Unary(_api.PeerGroups.GetPeerGroupAsync, new GetPeerGroupRequest { Name = "members" });
        Assert.That(members.Members, Is.EqualTo(new[] { "127.10.0.2" }));

        var changed = members.Clone();
        changed.Members.Clear();
        changed.HoldTime = 60;
        await _api!.Unary(_api.PeerGroups.SetPeerGroupAsync, new SetPeerGroupRequest { PeerGroup = changed });
        Assert.That(BgpConfig.Load(ConfigPath).Config!.FindNeighbor(System.Net.IPAddress.Parse("127.10.0.2"))!.HoldTime, Is.EqualTo(60));

        var used = Assert.ThrowsAsync<RpcException>(() => _api!.Unary(_api.PeerGroups.DeletePeerGroupAsync, new DeletePeerGroupRequest { Name = "members" }));
        Assert.That(used!.StatusCode, Is.EqualTo(StatusCode.FailedPrecondition));
        await _api!.Unary(_api.PeerGroups.DeletePeerGroupAsync, new DeletePeerGroupRequest { Name = "transit" });
        Assert.That(BgpConfig.Load(ConfigPath).Config!.PeerGroups.Select(g => g.Name), Is.EqualTo(new[] { "members" }));
    }
}

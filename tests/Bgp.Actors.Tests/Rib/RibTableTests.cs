using Bgp.Actors.Rib;
using Bgp.Wire;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Rib;

/// <summary>
/// The compact storage under the RIB: the chunked, index-stable prefix table, the inline-first-path
/// entry, and a peer's dirty marks, each checked against a plain collection as the model.
/// </summary>
[TestFixture]
public sealed class RibTableTests
{
    private static FsCheck.Config Seeded(int tests) => FsCheck.Config.QuickThrowOnFailure.WithMaxTest(tests)
        .WithReplay(new Replay(new Rnd(20261121UL, 0x9E3779B97F4A7C15UL), Microsoft.FSharp.Core.FSharpOption<int>.None));

    private static readonly RouteAttributes Attrs = new(EquatableArray<PathAttribute>.Empty, default);

    // a small address space so that adds, finds and removes of the same prefix collide often
    private static readonly Gen<(bool Add, Prefix Prefix)> V4Ops =
        from add in Gen.Elements(true, true, false)
        from a in Gen.Choose(0, 300)
        from len in Gen.Elements(24, 32)
        select (add, Prefix.V4((uint)a << 8, len));

    private static readonly Gen<(bool Add, Prefix Prefix)> V6Ops =
        from add in Gen.Elements(true, true, false)
        from a in Gen.Choose(0, 300)
        from len in Gen.Elements(48, 64)
        select (add, Prefix.V6((UInt128)(ulong)a << 80, len));

    [TestCase(true)]
    [TestCase(false)]
    public void The_table_finds_adds_and_removes_like_a_dictionary(bool v4) =>
        Prop.ForAll(Gen.ListOf(v4 ? V4Ops : V6Ops).ToArbitrary(), ops =>
        {
            var table = new RibTable(v4 ? AfiSafi.Ipv4Unicast : AfiSafi.Ipv6Unicast, 0);
            var model = new Dictionary<Prefix, int>();
            foreach (var (add, prefix) in ops)
            {
                if (add)
                {
                    int index = table.GetOrAdd(prefix);
                    if (model.TryGetValue(prefix, out int known) && known != index) return false;   // indexes are stable
                    model[prefix] = index;
                }
                else if (model.Remove(prefix, out int index))
                {
                    if (table.Find(prefix) != index) return false;
                    table.Remove(index);
                }
                else if (table.Find(prefix) != -1) return false;
            }
            if (table.Count != model.Count) return false;
            if (model.Values.Distinct().Count() != model.Count) return false;                       // no index handed out twice
            return model.All(kv => table.Find(kv.Key) == kv.Value && table.InUse(kv.Value) && table.PrefixAt(kv.Value).Equals(kv.Key))
                && table.All().Count() == model.Count;
        }).Check(Seeded(300));

    [Test]
    public void A_table_grows_across_chunks_and_rehashes_without_moving_entries()
    {
        var table = new RibTable(AfiSafi.Ipv4Unicast, 0);
        const int n = RibChunks.Size * 3 + 17;
        for (int i = 0; i < n; i++)
        {
            int index = table.GetOrAdd(Prefix.V4((uint)i << 8, 24));
            Assert.That(index, Is.EqualTo(i));
            table.At(index).Add(new Route { Peer = 1, PathId = (uint)i, Attributes = Attrs });
        }
        Assert.That(table.Count, Is.EqualTo(n));
        for (int i = 0; i < n; i += 997)
        {
            int index = table.Find(Prefix.V4((uint)i << 8, 24));
            Assert.That(table.At(index).First.PathId, Is.EqualTo((uint)i), "the entry stayed where it was through every rehash");
        }
        // removed indexes are reused before the table grows further
        table.Remove(5);
        table.Remove(RibChunks.Size + 1);
        var reused = new[] { table.GetOrAdd(Prefix.V4(0x0A000000, 8)), table.GetOrAdd(Prefix.V4(0x0B000000, 8)) };
        Assert.That(reused, Is.EquivalentTo(new[] { 5, RibChunks.Size + 1 }));
        Assert.That(table.IndexLimit, Is.EqualTo(n));
        Assert.That(table.At(5).Count, Is.Zero, "a reused index starts empty");
    }

    private static readonly Gen<(int Op, int Peer)> PathOps =
        from op in Gen.Elements(0, 0, 1)
        from peer in Gen.Choose(1, 6)
        select (op, peer);

    [Test]
    public void An_entry_adds_finds_and_removes_paths_like_a_list_and_keeps_track_of_the_best() =>
        Prop.ForAll(Gen.ListOf(PathOps).ToArbitrary(), Gen.Choose(0, 5).ToArbitrary(), (ops, bestPeer) =>
        {
            var entry = default(RibEntry);
            entry.Best = -1;
            var model = new List<int>();
            foreach (var (op, peer) in ops)
            {
                int at = entry.Find(peer, 7);
                if (at != model.IndexOf(peer)) return false;
                if (op == 0 && at < 0)
                {
                    entry.Add(new Route { Peer = (ushort)peer, PathId = 7, Attributes = Attrs });
                    model.Add(peer);
                }
                else if (op == 1 && at >= 0)
                {
                    entry.RemoveAt(at);
                    model.RemoveAt(at);
                }
                entry.Best = model.IndexOf(bestPeer + 1);   // whichever path is "best" must be followed through removals
                if (entry.Count != model.Count) return false;
                for (int i = 0; i < model.Count; i++)
                    if (entry.Path(i).Peer != model[i]) return false;
            }
            return entry.Count > 1 || entry.More is null;   // a single path needs no array
        }).Check(Seeded(500));

    [Test]
    public void Removing_a_path_before_the_best_moves_the_best_index_with_it()
    {
        var entry = default(RibEntry);
        for (int p = 1; p <= 3; p++) entry.Add(new Route { Peer = (ushort)p, Attributes = Attrs });
        entry.Best = 2;
        entry.RemoveAt(0);
        Assert.That((entry.Best, (int)entry.Path(entry.Best).Peer), Is.EqualTo((1, 3)));
        entry.RemoveAt(1);
        Assert.That(entry.Best, Is.EqualTo(-1), "the best path itself was removed");
    }

    [Test]
    public void Dirty_marks_are_taken_once_each_round_robin_from_where_the_last_take_stopped()
    {
        var export = new PeerExport();
        foreach (int i in new[] { 3, 70, 70, 5000, 3 }) export.MarkDirty(i);
        Assert.That(export.DirtyCount, Is.EqualTo(3), "marking twice counts once");
        Assert.That(export.TakeDirty(), Is.EqualTo(3));
        export.MarkDirty(1);          // behind the cursor: comes after the rest, not first
        Assert.That(new[] { export.TakeDirty(), export.TakeDirty(), export.TakeDirty(), export.TakeDirty() },
            Is.EqualTo(new[] { 70, 5000, 1, -1 }));
        Assert.That(export.DirtyCount, Is.Zero);
    }

    [Test]
    public void Every_marked_index_is_taken_exactly_once_whatever_the_interleaving() =>
        Prop.ForAll(Gen.ListOf(Gen.Choose(-3, 2000)).ToArbitrary(), ops =>
        {
            var export = new PeerExport();
            var pending = new HashSet<int>();
            foreach (int op in ops)
            {
                if (op >= 0) { export.MarkDirty(op); pending.Add(op); }
                else if (export.TakeDirty() is var taken && (taken < 0 ? pending.Count != 0 : !pending.Remove(taken))) return false;
                if (export.DirtyCount != pending.Count) return false;
            }
            for (int taken; (taken = export.TakeDirty()) >= 0;)
                if (!pending.Remove(taken)) return false;
            return pending.Count == 0 && export.DirtyCount == 0;
        }).Check(Seeded(500));

    [Test]
    public void Adj_rib_out_chunks_are_allocated_only_for_what_is_sent()
    {
        var export = new PeerExport();
        export.SetOut(RibChunks.Size * 5 + 3, null);
        Assert.That(export.AllOut(), Is.Empty);
        export.SetOut(RibChunks.Size * 2 + 9, Attrs);
        Assert.That(export.AllOut().Select(o => o.Index), Is.EqualTo(new[] { RibChunks.Size * 2 + 9 }));
        Assert.That(export.OutAt(RibChunks.Size * 2 + 9), Is.SameAs(Attrs));
        Assert.That(export.OutAt(RibChunks.Size * 7), Is.Null);
        export.SetOut(RibChunks.Size * 2 + 9, null);
        Assert.That(export.AllOut(), Is.Empty);
    }
}

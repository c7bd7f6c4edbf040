using System.Runtime.CompilerServices;
using Bgp.Wire;

namespace Bgp.Actors.Policy;

/// <summary>
/// A set of <see cref="PrefixRange"/>s answering "does any range admit this prefix" in one walk down
/// a binary trie, at most one step per bit of the prefix, whatever the number of ranges. Each node
/// that ends a range holds a mask of the lengths admitted there. IPv4 and IPv6 have their own trie.
/// Built once (<see cref="Add"/>, then <see cref="Seal"/>), then read only.
/// <para>
/// A sealed trie with many ranges also has a table of the nodes 16 bits down, one entry per value
/// of a prefix's first 16 bits: a lookup of a prefix of 16 bits or more starts there (one memory
/// access instead of 16 steps), unless a range ends higher up on that path, when it walks from the
/// root as before.
/// </para>
/// </summary>
public sealed class PrefixTrie
{
    /// <summary>From this many ranges of a family on, <see cref="Seal"/> builds the 16-bit table (256 KiB) for it.</summary>
    public const int JumpTableThreshold = 1024;

    private readonly Trie _v4 = new();
    private readonly Trie _v6 = new();

    public int Count { get; private set; }

    public void Add(PrefixRange range)
    {
        (range.Prefix.IsV6 ? _v6 : _v4).Add(range);
        Count++;
    }

    /// <summary>Ends building: builds the 16-bit tables of families with at least <paramref name="threshold"/> ranges.</summary>
    public void Seal(int threshold = JumpTableThreshold)
    {
        _v4.Seal(threshold);
        _v6.Seal(threshold);
    }

    public bool Matches(Prefix prefix) => (prefix.IsV6 ? _v6 : _v4).Matches(prefix);

    /// <summary>Admitted lengths 0..128 as a 129-bit mask.</summary>
    private struct LengthMask
    {
        private ulong _low, _high;
        private bool _top;

        public void Set(int min, int max)
        {
            for (int len = min; len <= max; len++)
            {
                if (len < 64) _low |= 1UL << len;
                else if (len < 128) _high |= 1UL << (len - 64);
                else _top = true;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly bool Has(int len) =>
            len < 64 ? (_low & (1UL << len)) != 0 : len < 128 ? (_high & (1UL << (len - 64))) != 0 : _top;
    }

    private sealed class Trie
    {
        // node n: children at _children[2n] and [2n+1] (0 = none; the root, node 0, is nobody's child),
        // and _maskIndex[n] - 1 into _masks (0 = no range ends here)
        private int[] _children = new int[64];
        private int[] _maskIndex = new int[32];
        private LengthMask[] _masks = new LengthMask[8];
        private int _nodes = 1, _maskCount, _ranges;

        // by a prefix's first 16 bits: the node at depth 16, 0 when the path ends sooner (nothing of 16 bits
        // or more can match), -1 when a range ends above depth 16 on the path (walk from the root)
        private const int JumpBits = 16;
        private int[]? _jump;

        public void Add(PrefixRange range)
        {
            var p = range.Prefix;
            var (high, low) = Bits(p);
            int node = 0;
            for (int depth = 0; depth < p.Length; depth++)
            {
                int slot = 2 * node + Bit(high, low, depth);
                if (_children[slot] == 0)
                {
                    if (_nodes == _maskIndex.Length)
                    {
                        Array.Resize(ref _maskIndex, _nodes * 2);
                        Array.Resize(ref _children, _nodes * 4);
                    }
                    _children[slot] = _nodes++;
                }
                node = _children[slot];
            }
            if (_maskIndex[node] == 0)
            {
                if (_maskCount == _masks.Length) Array.Resize(ref _masks, _maskCount * 2);
                _maskIndex[node] = ++_maskCount;
            }
            _masks[_maskIndex[node] - 1].Set(range.Min, range.Max);
            _ranges++;
            _jump = null;
        }

        public void Seal(int threshold)
        {
            if (_ranges < threshold) return;
            var jump = new int[1 << JumpBits];
            Fill(jump, 0, 0, 0);
            _jump = jump;
        }

        // every value of the first 16 bits below `node` (at `depth`, bits so far `bits`) gets its entry
        private void Fill(int[] jump, int node, int depth, int bits)
        {
            int width = 1 << (JumpBits - depth);
            if (_maskIndex[node] != 0)
            {
                // a range ends here, above depth 16: lookups under this node walk from the root
                if (depth < JumpBits)
                {
                    Array.Fill(jump, -1, bits << (JumpBits - depth), width);
                    return;
                }
            }
            if (depth == JumpBits)
            {
                jump[bits] = node;
                return;
            }
            for (int bit = 0; bit < 2; bit++)
            {
                int child = _children[2 * node + bit];
                if (child != 0) Fill(jump, child, depth + 1, (bits << 1) | bit);
            }
        }

        public bool Matches(Prefix p)
        {
            int len = p.Length, node = 0, depth = 0;
            var (high, low) = Bits(p);
            var masks = _masks;
            var children = _children;
            var maskIndex = _maskIndex;
            if (_jump is { } jump && len >= JumpBits)
            {
                int entry = jump[(int)(high >> (64 - JumpBits))];
                if (entry == 0) return false;
                if (entry > 0)
                {
                    node = entry;
                    depth = JumpBits;
                }
            }
            for (; ; depth++)
            {
                int m = maskIndex[node];
                if (m != 0 && masks[m - 1].Has(len)) return true;
                if (depth == len) return false;
                node = children[2 * node + Bit(high, low, depth)];
                if (node == 0) return false;
            }
        }

        /// <summary>The address left-aligned in 128 bits (an IPv4 address in the top 32).</summary>
        private static (ulong High, ulong Low) Bits(Prefix p)
        {
            var a = p.Address;
            return a.IsV6 ? (a.High, a.Low) : ((ulong)a.V4Value << 32, 0);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int Bit(ulong high, ulong low, int depth) =>
            depth < 64 ? (int)(high >> (63 - depth)) & 1 : (int)(low >> (127 - depth)) & 1;
    }
}

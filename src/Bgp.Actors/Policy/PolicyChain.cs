using Bgp.Actors.Config;
using Bgp.Actors.Rib;
using Bgp.Wire;

namespace Bgp.Actors.Policy;

/// <summary>One step of an explanation: a policy, the statement that matched (null: none did, the default action applied), and what happened.</summary>
public sealed record PolicyStep(string Policy, string? Statement, string Outcome, bool Changed);

/// <summary>How a chain treated a route: each policy's step, the verdict, and the attributes that came out of an accepting chain.</summary>
public sealed record PolicyTrace(IReadOnlyList<PolicyStep> Steps, bool Accepted, RouteAttributes? Result)
{
    public override string ToString() =>
        string.Join("; ", Steps.Select(s => $"{s.Policy}/{s.Statement ?? "default"}: {s.Outcome}{(s.Changed ? " (changed)" : "")}"));
}

internal sealed class CompiledStatement(string name, Condition[] conditions, StatementAction action, Modifications? modifications)
{
    public string Name { get; } = name;
    public StatementAction Action { get; } = action;
    public Modifications? Modifications { get; } = modifications;

    public bool Matches(in PolicyInput input)
    {
        foreach (var c in conditions)
            if (!c.Matches(input)) return false;
        return true;
    }
}

internal sealed class CompiledPolicy(PolicyDefinition definition, CompiledStatement[] statements)
{
    public PolicyDefinition Definition { get; } = definition;
    public string Name => Definition.Name;
    public CompiledStatement[] Statements { get; } = statements;
    public bool DefaultAccept => Definition.DefaultAction == PolicyResult.Accept;
}

/// <summary>
/// The policies applied to one neighbor in one direction, in order. Within a policy the first
/// statement whose conditions all hold decides: <c>accept</c> ends the policy and the route goes on
/// to the next one, <c>reject</c> ends the chain, <c>next</c> applies its changes and carries on
/// with the policy's next statement; when none decides, the policy's default action does. A route
/// every policy accepted is accepted, with the changes of every statement it went through, applied
/// in order once the chain is done (conditions all see the route as it entered the chain).
/// </summary>
/// <remarks>
/// Evaluation does not allocate: it records which statements changed the route as a list of ids,
/// and the caller memoises the resulting attributes on (attribute set, ids), since most routes
/// share their attribute sets. Immutable once built; one instance per distinct chain, kept across
/// reloads that do not change it.
/// </remarks>
public sealed class PolicyChain
{
    private readonly CompiledPolicy[] _policies;
    private readonly int[] _offsets;
    private readonly CompiledStatement[] _statements;

    internal PolicyChain(CompiledPolicy[] policies, object signature)
    {
        _policies = policies;
        Signature = signature;
        _offsets = new int[policies.Length];
        var all = new List<CompiledStatement>();
        for (int i = 0; i < policies.Length; i++)
        {
            _offsets[i] = all.Count;
            all.AddRange(policies[i].Statements);
        }
        _statements = [.. all];
    }

    /// <summary>What the chain was built from; equal signatures mean the same behaviour.</summary>
    internal object Signature { get; }

    public IEnumerable<string> PolicyNames => _policies.Select(p => p.Name);

    /// <summary>Statements in the chain: the most ids an evaluation can record.</summary>
    public int StatementCount => _statements.Length;

    /// <summary>
    /// Runs the chain. <paramref name="applied"/> (at least <see cref="StatementCount"/> long) receives
    /// the ids of the statements whose changes apply, in order; <paramref name="count"/> how many.
    /// </summary>
    public bool Evaluate(in PolicyInput input, Span<int> applied, out int count, List<PolicyStep>? trace = null)
    {
        count = 0;
        for (int p = 0; p < _policies.Length; p++)
        {
            var policy = _policies[p];
            var statements = policy.Statements;
            bool decided = false;
            for (int s = 0; s < statements.Length; s++)
            {
                var statement = statements[s];
                if (!statement.Matches(input)) continue;
                bool changes = statement.Modifications is not null && statement.Action != StatementAction.Reject;
                if (changes) applied[count++] = _offsets[p] + s;
                if (statement.Action == StatementAction.Next)
                {
                    trace?.Add(new PolicyStep(policy.Name, statement.Name, "next", changes));
                    continue;
                }
                trace?.Add(new PolicyStep(policy.Name, statement.Name, statement.Action == StatementAction.Accept ? "accept" : "reject", changes));
                if (statement.Action == StatementAction.Reject) return false;
                decided = true;
                break;
            }
            if (decided) continue;
            trace?.Add(new PolicyStep(policy.Name, null, policy.DefaultAccept ? "default accept" : "default reject", false));
            if (!policy.DefaultAccept) return false;
        }
        return true;
    }

    /// <summary>Applies the recorded statements' changes to <paramref name="attributes"/> (a new, uninterned set, or the same one when nothing changed).</summary>
    public RouteAttributes Apply(RouteAttributes attributes, AfiSafi family, ReadOnlySpan<int> applied, in PolicyContext context, out ExportOverrides overrides)
    {
        if (applied.IsEmpty)
        {
            overrides = ExportOverrides.None;
            return attributes;
        }
        var draft = new RouteDraft(attributes);
        foreach (int id in applied) _statements[id].Modifications!.Apply(draft, family, context);
        overrides = draft.Overrides;
        return draft.Build();
    }

    /// <summary>Evaluates with an explanation of each step (the slow path, for `rib --explain`).</summary>
    public PolicyTrace Explain(in PolicyInput input, in PolicyContext context)
    {
        var steps = new List<PolicyStep>();
        var applied = new int[Math.Max(1, StatementCount)];
        bool accepted = Evaluate(input, applied, out int count, steps);
        return new PolicyTrace(steps, accepted,
            accepted ? Apply(input.Attributes, input.Family, applied.AsSpan(0, count), context, out _) : null);
    }

    public override string ToString() => string.Join(", ", PolicyNames);
}

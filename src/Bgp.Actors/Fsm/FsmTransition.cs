using Bgp.Wire;

namespace Bgp.Actors.Fsm;

/// <summary>What one <see cref="Fsm.Step"/> decided: the next state and the actions to carry out, in order.</summary>
public sealed record FsmTransition(FsmState Next, EquatableArray<FsmAction> Actions);

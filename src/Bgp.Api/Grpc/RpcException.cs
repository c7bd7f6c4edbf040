namespace Bgp.Api.Grpc;

/// <summary>A call's final status: a code and a human-readable message (may be empty).</summary>
public readonly record struct Status(StatusCode Code, string Detail)
{
    public static readonly Status Ok = new(StatusCode.OK, "");

    public override string ToString() => Detail.Length == 0 ? Code.ToString() : $"{Code}: {Detail}";
}

/// <summary>
/// Ends a call with a status other than OK. A server handler throws it to answer with that status;
/// the client throws it when a call ends with one. Its message is sent to the client as
/// <c>grpc-message</c>, so it must not carry internals.
/// </summary>
public sealed class RpcException : Exception
{
    public RpcException(Status status) : base(status.ToString()) => Status = status;

    public RpcException(StatusCode code, string detail = "") : this(new Status(code, detail)) { }

    public RpcException(Status status, Exception inner) : base(status.ToString(), inner) => Status = status;

    public Status Status { get; }

    public StatusCode StatusCode => Status.Code;
}

"""An independent gRPC client for the API tests: Debian's python3-grpcio (C-core).

Usage: grpc_probe.py --gen DIR --target TARGET [--ca F --cert F --key F] [--token T] COMMAND [ARGS]

DIR holds modules protoc generated (health, reflection v1alpha/v1, echo). Each result is
printed as one JSON line and flushed, so the test can react to it while the call goes on.
"""
import argparse
import importlib.util
import json
import os
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool

ECHO = "/bgpactors.test.echo.Echo/"


def load(gen, relative, name):
    # Loaded by path: generated "grpc/health/v1/health_pb2.py" would clash with grpcio's package.
    spec = importlib.util.spec_from_file_location(name, os.path.join(gen, relative))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def emit(**fields):
    print(json.dumps(fields), flush=True)


def error(e):
    return {"code": e.code().name, "details": e.details()}


def channel_for(args):
    options = [("grpc.enable_retries", 0)]
    if args.ca:
        with open(args.ca, "rb") as f:
            ca = f.read()
        key = chain = None
        if args.cert:
            with open(args.key, "rb") as f:
                key = f.read()
            with open(args.cert, "rb") as f:
                chain = f.read()
        credentials = grpc.ssl_channel_credentials(root_certificates=ca, private_key=key, certificate_chain=chain)
        return grpc.secure_channel(args.target, credentials, options)
    return grpc.insecure_channel(args.target, options)


def metadata(args):
    return [("authorization", "Bearer " + args.token)] if args.token else None


def unary(channel, method, request, response_type, args, timeout=10):
    call = channel.unary_unary(ECHO + method, request_serializer=lambda m: m.SerializeToString(),
                               response_deserializer=response_type.FromString)
    return call(request, timeout=timeout, metadata=metadata(args))


def cmd_say(channel, args, echo):
    try:
        reply = unary(channel, "Say", echo.EchoRequest(text=args.rest[0]), echo.EchoReply, args)
        emit(ok=True, text=reply.text)
    except grpc.RpcError as e:
        emit(ok=False, **error(e))


def cmd_call(channel, args, echo):
    """Any unary Echo method with an EchoRequest, e.g. Fail, Missing, Nope."""
    try:
        reply = unary(channel, args.rest[0], echo.EchoRequest(text="x" * int(args.rest[1]) if len(args.rest) > 1 else "hi"),
                      echo.EchoReply, args)
        emit(ok=True, text=reply.text[:100])
    except grpc.RpcError as e:
        emit(ok=False, **error(e))


def cmd_reset(channel, args, echo):
    try:
        reply = unary(channel, "Reset", echo.ResetRequest(), echo.ResetReply, args)
        emit(ok=True, resets=reply.resets)
    except grpc.RpcError as e:
        emit(ok=False, **error(e))


def cmd_repeat(channel, args, echo):
    call = channel.unary_stream(ECHO + "Repeat", request_serializer=lambda m: m.SerializeToString(),
                                response_deserializer=echo.EchoReply.FromString)
    request = echo.RepeatRequest(text=args.rest[0], count=int(args.rest[1]))
    try:
        replies = [r.index for r in call(request, timeout=10, metadata=metadata(args))]
        emit(ok=True, indexes=replies)
    except grpc.RpcError as e:
        emit(ok=False, **error(e))


def cmd_cancel(channel, args, echo):
    """Reads the two replies of a stream the server then holds open, and cancels it (RST_STREAM)."""
    call = channel.unary_stream(ECHO + "Repeat", request_serializer=lambda m: m.SerializeToString(),
                                response_deserializer=echo.EchoReply.FromString)
    request = echo.RepeatRequest(text="tick", count=2, hold=True)
    responses = call(request, metadata=metadata(args))
    got = [next(responses).index, next(responses).index]
    responses.cancel()
    try:
        next(responses)
        emit(ok=False, code="OK", details="stream went on after cancel")
    except grpc.RpcError as e:
        emit(ok=True, indexes=got, **error(e))


def cmd_sleep(channel, args, echo):
    request = echo.SleepRequest()
    request.duration.FromSeconds(30)
    try:
        unary(channel, "Sleep", request, echo.EchoReply, args, timeout=float(args.rest[0]))
        emit(ok=True)
    except grpc.RpcError as e:
        emit(ok=False, **error(e))


def cmd_collect(channel, args, echo):
    call = channel.stream_unary(ECHO + "Collect", request_serializer=lambda m: m.SerializeToString(),
                                response_deserializer=echo.EchoReply.FromString)
    reply = call(iter([echo.EchoRequest(text=t) for t in args.rest]), timeout=10, metadata=metadata(args))
    emit(ok=True, text=reply.text, index=reply.index)


def cmd_chat(channel, args, echo):
    call = channel.stream_stream(ECHO + "Chat", request_serializer=lambda m: m.SerializeToString(),
                                 response_deserializer=echo.EchoReply.FromString)
    replies = [r.text for r in call(iter([echo.EchoRequest(text=t) for t in args.rest]), timeout=10, metadata=metadata(args))]
    emit(ok=True, texts=replies)


def cmd_health_check(channel, args, health):
    call = channel.unary_unary("/grpc.health.v1.Health/Check", request_serializer=lambda m: m.SerializeToString(),
                               response_deserializer=health.HealthCheckResponse.FromString)
    try:
        reply = call(health.HealthCheckRequest(service=args.rest[0]), timeout=10, metadata=metadata(args))
        emit(ok=True, status=health.HealthCheckResponse.ServingStatus.Name(reply.status))
    except grpc.RpcError as e:
        emit(ok=False, **error(e))


def cmd_health_watch(channel, args, health):
    """Prints each status as it arrives, until it has seen as many as asked for."""
    call = channel.unary_stream("/grpc.health.v1.Health/Watch", request_serializer=lambda m: m.SerializeToString(),
                                response_deserializer=health.HealthCheckResponse.FromString)
    responses = call(health.HealthCheckRequest(service=args.rest[0]), timeout=20, metadata=metadata(args))
    wanted = int(args.rest[1])
    for reply in responses:
        emit(ok=True, status=health.HealthCheckResponse.ServingStatus.Name(reply.status))
        wanted -= 1
        if wanted == 0:
            responses.cancel()
            return


def cmd_reflect(channel, args, reflection):
    """Knows no .proto: lists services, fetches descriptors by symbol and calls Echo.Say through them."""
    version = args.rest[0]
    info = channel.stream_stream("/grpc.reflection.%s.ServerReflection/ServerReflectionInfo" % version,
                                 request_serializer=lambda m: m.SerializeToString(),
                                 response_deserializer=reflection.ServerReflectionResponse.FromString)

    def ask(**request):
        return list(info(iter([reflection.ServerReflectionRequest(host="", **request)]), timeout=10, metadata=metadata(args)))[0]

    services = [s.name for s in ask(list_services="").list_services_response.service]
    answer = ask(file_containing_symbol="bgpactors.test.echo.Echo")
    protos = [descriptor_pb2.FileDescriptorProto.FromString(b)
              for b in answer.file_descriptor_response.file_descriptor_proto]
    files = [p.name for p in protos]
    by_name = ask(file_by_filename="google/protobuf/duration.proto")
    duration_files = [descriptor_pb2.FileDescriptorProto.FromString(b).name
                      for b in by_name.file_descriptor_response.file_descriptor_proto]
    unknown = ask(file_containing_symbol="no.such.Symbol").error_response

    pool = descriptor_pool.DescriptorPool()
    pending = list(protos)
    while pending:  # dependencies first
        ready = [p for p in pending if all(d in [q.name for q in protos if q not in pending] for d in p.dependency)]
        if not ready:
            raise RuntimeError("unresolvable dependencies")
        for p in ready:
            pool.Add(p)
            pending.remove(p)
    service = pool.FindServiceByName("bgpactors.test.echo.Echo")
    method = service.methods_by_name["Say"]
    try:
        from google.protobuf.message_factory import GetMessageClass
        request_class, reply_class = GetMessageClass(method.input_type), GetMessageClass(method.output_type)
    except ImportError:
        from google.protobuf.message_factory import MessageFactory
        factory = MessageFactory(pool)
        request_class, reply_class = factory.GetPrototype(method.input_type), factory.GetPrototype(method.output_type)
    request = request_class()
    request.text = "via reflection"
    call = channel.unary_unary("/%s/%s" % (service.full_name, method.name),
                               request_serializer=lambda m: m.SerializeToString(),
                               response_deserializer=reply_class.FromString)
    reply = call(request, timeout=10, metadata=metadata(args))
    emit(ok=True, services=services, files=files, duration_files=duration_files,
         unknown_code=unknown.error_code, methods=[m.name for m in service.methods],
         reply=reply.text)


def cmd_daemon(channel, args, reflection):
    """bgpactorsd through reflection v1 alone: lists the services, resolves bgpactors.v1 from the descriptors the server
    sends, calls NeighborService.ListNeighbors, then streams EventService.WatchEvents, one JSON line per event, until
    COUNT events arrived (args.rest[0]) or the stream's deadline (30 s) passed."""
    from google.protobuf import json_format, message_factory
    info = channel.stream_stream("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
                                 request_serializer=lambda m: m.SerializeToString(),
                                 response_deserializer=reflection.ServerReflectionResponse.FromString)

    def ask(**request):
        return list(info(iter([reflection.ServerReflectionRequest(host="", **request)]), timeout=10, metadata=metadata(args)))[0]

    services = sorted(s.name for s in ask(list_services="").list_services_response.service)
    pool = descriptor_pool.DescriptorPool()
    added = set()

    def add_file_of(symbol):
        protos = {}
        for b in ask(file_containing_symbol=symbol).file_descriptor_response.file_descriptor_proto:
            p = descriptor_pb2.FileDescriptorProto.FromString(b)
            protos[p.name] = p

        def add(name):
            if name in added:
                return
            p = protos.get(name)
            if p is None:  # a dependency the server did not send with this answer: ask for it by name
                for b in ask(file_by_filename=name).file_descriptor_response.file_descriptor_proto:
                    q = descriptor_pb2.FileDescriptorProto.FromString(b)
                    protos.setdefault(q.name, q)
                p = protos[name]
            for d in p.dependency:
                add(d)
            pool.Add(p)
            added.add(name)

        for name in list(protos):
            add(name)

    def message_class(descriptor):
        try:
            return message_factory.GetMessageClass(descriptor)
        except AttributeError:
            return message_factory.MessageFactory(pool).GetPrototype(descriptor)

    def stub(service_name, method_name, stream=False):
        add_file_of(service_name)
        method = pool.FindServiceByName(service_name).methods_by_name[method_name]
        request_class, reply_class = message_class(method.input_type), message_class(method.output_type)
        kind = channel.unary_stream if stream else channel.unary_unary
        return request_class, kind("/%s/%s" % (service_name, method_name), request_serializer=lambda m: m.SerializeToString(),
                                   response_deserializer=reply_class.FromString)

    request_class, list_neighbors = stub("bgpactors.v1.NeighborService", "ListNeighbors")
    neighbors = list_neighbors(request_class(), timeout=10, metadata=metadata(args))
    emit(ok=True, services=services, neighbors=[n["config"]["address"] for n in
                                                json_format.MessageToDict(neighbors, preserving_proto_field_name=True).get("neighbors", [])])
    request_class, watch = stub("bgpactors.v1.EventService", "WatchEvents", stream=True)
    count = int(args.rest[0]) if args.rest else 1
    seen = 0
    request = request_class()
    request.include_history = True
    for event in watch(request, timeout=30, metadata=metadata(args)):
        emit(event=json_format.MessageToDict(event, preserving_proto_field_name=True))
        seen += 1
        if seen >= count:
            return


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gen", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--ca")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--token")
    parser.add_argument("command")
    parser.add_argument("rest", nargs="*")
    args = parser.parse_args()

    echo = load(args.gen, "echo_pb2.py", "echo_pb2")
    with channel_for(args) as channel:
        if args.command == "health-check":
            cmd_health_check(channel, args, load(args.gen, "grpc/health/v1/health_pb2.py", "health_pb2"))
        elif args.command == "health-watch":
            cmd_health_watch(channel, args, load(args.gen, "grpc/health/v1/health_pb2.py", "health_pb2"))
        elif args.command == "daemon":
            cmd_daemon(channel, args, load(args.gen, "grpc/reflection/v1/reflection_pb2.py", "reflection_v1_pb2"))
        elif args.command == "reflect":
            module = "grpc/reflection/%s/reflection_pb2.py" % args.rest[0]
            cmd_reflect(channel, args, load(args.gen, module, "reflection_%s_pb2" % args.rest[0]))
        else:
            globals()["cmd_" + args.command](channel, args, echo)


if __name__ == "__main__":
    try:
        main()
    except grpc.RpcError as e:
        emit(ok=False, **error(e))
    sys.stdout.flush()

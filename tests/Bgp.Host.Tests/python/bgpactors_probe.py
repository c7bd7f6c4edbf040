"""Calls a running bgpactorsd through Debian's python3-grpcio with messages protoc generated.

Usage: bgpactors_probe.py GEN_DIR SOCKET_PATH
GEN_DIR holds `protoc --python_out` output for protos/bgpactors/v1/*.proto. Prints one JSON line
per step so the test can check each; never waits longer than 10 s on a call.
"""
import json
import sys

import grpc

sys.path.insert(0, sys.argv[1])
from bgpactors.v1 import common_pb2, control_pb2, global_pb2, injection_pb2, neighbor_pb2, rib_pb2  # noqa: E402

channel = grpc.insecure_channel("unix://" + sys.argv[2])


def unary(service, method, request, response_type):
    call = channel.unary_unary("/bgpactors.v1.%s/%s" % (service, method),
                               request_serializer=lambda m: m.SerializeToString(),
                               response_deserializer=response_type.FromString)
    return call(request, timeout=10)


def emit(**fields):
    print(json.dumps(fields, separators=(",", ":")), flush=True)


g = unary("GlobalService", "GetGlobal", global_pb2.GetGlobalRequest(), global_pb2.GetGlobalResponse)
emit(step="global", asn=g.asn, router_id=g.router_id)

ns = unary("NeighborService", "ListNeighbors", neighbor_pb2.ListNeighborsRequest(), neighbor_pb2.ListNeighborsResponse)
emit(step="neighbors", neighbors=[[n.config.address, n.config.remote_asn, common_pb2.SessionState.Name(n.state.state)] for n in ns.neighbors])

unary("InjectionService", "AddPath", injection_pb2.AddPathRequest(
    prefix="203.0.113.0/24", next_hop="192.0.2.1",
    attributes=[common_pb2.PathAttribute(large_communities=common_pb2.LargeCommunities(
        communities=[common_pb2.LargeCommunity(global_admin=65000, local_data1=1, local_data2=2)]))]),
    injection_pb2.AddPathResponse)
stream = channel.unary_stream("/bgpactors.v1.RibService/ListRoutes",
                              request_serializer=lambda m: m.SerializeToString(),
                              response_deserializer=rib_pb2.ListRoutesResponse.FromString)
routes = [r for chunk in stream(rib_pb2.ListRoutesRequest(table=rib_pb2.TABLE_BEST), timeout=10) for r in chunk.routes]
emit(step="routes", routes=[[r.prefix, r.next_hop, r.best,
                             [[c.global_admin, c.local_data1, c.local_data2] for a in r.attributes
                              if a.WhichOneof("attribute") == "large_communities" for c in a.large_communities.communities]]
                            for r in routes])

try:
    unary("InjectionService", "AddPath", injection_pb2.AddPathRequest(prefix="2001:db8::/32", next_hop="192.0.2.1"),
          injection_pb2.AddPathResponse)
    emit(step="invalid", code="OK")
except grpc.RpcError as e:
    emit(step="invalid", code=e.code().name, details=e.details())

try:
    explained = unary("RibService", "ExplainBestPath", rib_pb2.ExplainBestPathRequest(prefix="203.0.113.0/24"),
                      rib_pb2.ExplainBestPathResponse)
    emit(step="explain", decided_by=explained.decided_by, paths=len(explained.paths))
except grpc.RpcError as e:
    emit(step="explain", code=e.code().name, details=e.details())

h = unary("ControlService", "GetHealth", control_pb2.GetHealthRequest(), control_pb2.GetHealthResponse)
emit(step="health", healthy=h.healthy, neighbors_configured=h.neighbors_configured, loc_rib=h.loc_rib_prefixes)

#!/usr/bin/env python3
"""Asks each Marsad service, with the stock grpcio clients, for its health (grpc.health.v1) and
for its services through server reflection (v1alpha, what grpcurl and most clients speak).

    pip install grpcio grpcio-health-checking grpcio-reflection
    deploy/local/grpc_probe.py [HOST:PORT ...]     # default: 127.0.0.1:50051 50052 50053
"""
import sys

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

targets = sys.argv[1:] or ["127.0.0.1:50051", "127.0.0.1:50052", "127.0.0.1:50053"]
failed = False
for target in targets:
    with grpc.insecure_channel(target) as channel:
        try:
            health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""), timeout=5)
            status = health_pb2.HealthCheckResponse.ServingStatus.Name(health.status)
            stub = reflection_pb2_grpc.ServerReflectionStub(channel)
            request = reflection_pb2.ServerReflectionRequest(list_services="")
            response = next(stub.ServerReflectionInfo(iter([request]), timeout=5))
            services = sorted(s.name for s in response.list_services_response.service)
        except grpc.RpcError as err:
            print(f"{target}  error: {err.code().name} {err.details()}")
            failed = True
            continue
        print(f"{target}  health={status}  services={', '.join(services)}")
        failed |= status != "SERVING"
sys.exit(1 if failed else 0)

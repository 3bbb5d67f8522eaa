"""What an Idempotency-Key costs a write, from the server's own /metrics: appends of two messages
(300 and 600 bytes) to one session through http.client on a keep-alive connection, in phases
without and with a fresh Idempotency-Key each, alternating. For each phase, the wall time per
request seen by the client and the server's time per request in the route and in each store
operation (the sums of its histograms, divided by the requests).

    .build/venv-peers/bin/python Benchmarks/peers/write_cost.py --agentstate-bin .build/release/agentstate
"""
import argparse
import http.client
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
import peers  # noqa: E402



def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--agentstate-bin", required=True)
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    body = json.dumps({"messages": [{"role": "user", "content": peers.USER}, {"role": "assistant", "content": peers.ASSISTANT}]}).encode()
    with tempfile.TemporaryDirectory() as directory, peers.agentstate_server(args.agentstate_bin, directory, "cost") as (url, key, _):
        host, port = url.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port))
        auth = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

        def call(method, path, data=None, extra=None):
            conn.request(method, path, body=data, headers={**auth, **(extra or {})})
            response = conn.getresponse()
            out = response.read()
            assert response.status < 300, out
            return out

        call("POST", "/v1/sessions", json.dumps({"id": "cost"}).encode())
        print("phase,wall_ms_per_request,server_ms_per_request_by_route_or_operation")
        for label, keyed in (("warm-up", False), ("no key", False), ("Idempotency-Key", True), ("no key", False), ("Idempotency-Key", True)):
            before = peers.duration_totals(call("GET", "/metrics").decode())
            start = time.perf_counter()
            for _ in range(args.requests):
                call("POST", "/v1/sessions/cost/messages", body, {"Idempotency-Key": os.urandom(16).hex()} if keyed else None)
            wall = (time.perf_counter() - start) / args.requests * 1000
            after = peers.duration_totals(call("GET", "/metrics").decode())
            server = {k: (v - before.get(k, 0)) / args.requests * 1000 for k, v in after.items() if "/metrics" not in k}
            shown = "; ".join(f"{k} {v:.3f}" for k, v in sorted(server.items()) if v >= 0.001)
            print(f"{label},{wall:.3f},{shown}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""End-to-end ECR call latency over loopback: a fresh `surveyor serve` (authentication on), 20
repositories, then N DescribeRepositories calls on one keep-alive connection, each signed with
SigV4 beforehand (signing time is excluded; the server's verification is included).
Usage: bench/ecr_latency.py [path/to/surveyor] [N]"""

import datetime
import hashlib
import hmac
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "build", "src", "cli", "surveyor")
N = int(sys.argv[2]) if len(sys.argv) > 2 else 2000


def sign(key_id, secret, host, target, body):
    amz_date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    headers = {"content-type": "application/x-amz-json-1.1", "host": host, "x-amz-date": amz_date,
               "x-amz-target": "AmazonEC2ContainerRegistry_V20150921." + target}
    signed = ";".join(sorted(headers))
    canonical = "\n".join(["POST", "/", ""] + [f"{k}:{headers[k]}" for k in sorted(headers)] +
                          ["", signed, hashlib.sha256(body).hexdigest()])
    scope = f"{amz_date[:8]}/us-east-1/ecr/aws4_request"
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    k = ("AWS4" + secret).encode()
    for part in (amz_date[:8], "us-east-1", "ecr", "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential={key_id}/{scope}, SignedHeaders={signed}, "
                                f"Signature={hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()}")
    return headers


def main():
    data = tempfile.mkdtemp(prefix="ecr-bench-")
    proc = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:0", "--data", data, "--log-level", "off"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        port = int(re.search(r":(\d+)", proc.stdout.readline().decode()).group(1))
        creds = dict(l.split(" = ") for l in open(os.path.join(data, "bootstrap-credentials")).read().splitlines() if " = " in l)
        key_id, secret = creds["aws_access_key_id"], creds["aws_secret_access_key"]
        host = f"127.0.0.1:{port}"
        conn = http.client.HTTPConnection("127.0.0.1", port)

        def call(target, payload):
            body = json.dumps(payload).encode()
            h = sign(key_id, secret, host, target, body)
            t0 = time.perf_counter()
            conn.request("POST", "/", body=body, headers=h)
            r = conn.getresponse()
            out = r.read()
            t1 = time.perf_counter()
            assert r.status == 200, out
            return t1 - t0

        for i in range(20):
            call("CreateRepository", {"repositoryName": f"bench-{i:02d}"})
        for _ in range(50):
            call("DescribeRepositories", {})
        times = sorted(call("DescribeRepositories", {}) for _ in range(N))
        us = [t * 1e6 for t in times]
        print(f"DescribeRepositories (20 repositories), {N} calls, one keep-alive connection:")
        print(f"  p50 {us[len(us) // 2]:.0f} us  p90 {us[int(len(us) * 0.9)]:.0f} us  "
              f"p99 {us[int(len(us) * 0.99)]:.0f} us  mean {statistics.mean(us):.0f} us")
    finally:
        proc.terminate()
        proc.wait()
        subprocess.run(["rm", "-rf", data])


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Pushes an image from an OCI layout the way a fast client does: `jobs` blobs at a time (crane's
default is four), each by POST and then one PUT with the body, with the digests the manifest
gives (it computes none), then the manifest. Prints the seconds from the first request to the
manifest's 201. The client does little work, so the figure is the registry's.
  blob_push.py PORT LAYOUT REF REPOSITORY [JOBS]"""
import concurrent.futures
import http.client
import json
import os
import sys
import time


def blob_path(layout, digest):
    algorithm, hex_ = digest.split(":")
    return os.path.join(layout, "blobs", algorithm, hex_)


def put_blob(port, layout, repository, descriptor):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120, blocksize=1 << 20)
    conn.request("POST", f"/v2/{repository}/blobs/uploads/")
    resp = conn.getresponse()
    resp.read()
    if resp.status != 202:
        raise SystemExit(f"POST upload: {resp.status}")
    location = resp.getheader("Location")
    if location.startswith("http"):
        location = "/" + location.split("/", 3)[3]
    sep = "&" if "?" in location else "?"
    with open(blob_path(layout, descriptor["digest"]), "rb") as body:
        conn.request("PUT", f"{location}{sep}digest={descriptor['digest']}", body=body,
                     headers={"Content-Type": "application/octet-stream",
                              "Content-Length": str(descriptor["size"])})
        resp = conn.getresponse()
        resp.read()
    conn.close()
    if resp.status != 201:
        raise SystemExit(f"PUT {descriptor['digest']}: {resp.status}")


def main():
    port, layout, ref, repository = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    jobs = int(sys.argv[5]) if len(sys.argv) > 5 else 4
    with open(os.path.join(layout, "index.json")) as f:
        index = json.load(f)
    entry = next(m for m in index["manifests"]
                 if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == ref)
    with open(blob_path(layout, entry["digest"]), "rb") as f:
        manifest_bytes = f.read()
    manifest = json.loads(manifest_bytes)
    blobs = [manifest["config"]] + manifest["layers"]
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        for result in [pool.submit(put_blob, port, layout, repository, b) for b in blobs]:
            result.result()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("PUT", f"/v2/{repository}/manifests/{ref}", body=manifest_bytes,
                 headers={"Content-Type": entry["mediaType"]})
    resp = conn.getresponse()
    resp.read()
    if resp.status != 201:
        raise SystemExit(f"PUT manifest: {resp.status}")
    print(f"{time.perf_counter() - start:.4f}")


if __name__ == "__main__":
    main()

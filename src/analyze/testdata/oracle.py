#!/usr/bin/env python3
"""Independent ground truth for the end-to-end analysis test (issue 5).

Unpacks an image from an OCI layout with Python's tarfile (applying .wh. whiteouts and opaque
directories itself), then asks the tools the ecosystems ship: dpkg-query --admindir for dpkg,
rpm --dbpath for rpm, `go version -m` for Go binaries, importlib.metadata for Python
distributions, json/tomllib for lockfiles, zipfile for jars. Prints one line per package:
    type<TAB>name<TAB>version
Usage: oracle.py LAYOUT TAG OUTDIR
"""
import json, os, shutil, subprocess, sys, tarfile, tomllib, zipfile, io

layout, tag, out = sys.argv[1], sys.argv[2], sys.argv[3]
root = os.path.join(out, "rootfs")
shutil.rmtree(out, ignore_errors=True)
os.makedirs(root)

def blob(d):
    return os.path.join(layout, "blobs", *d.split(":"))

index = json.load(open(os.path.join(layout, "index.json")))
desc = [m for m in index["manifests"] if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag][0]
manifest = json.load(open(blob(desc["digest"])))

def safe(name):
    parts = []
    for p in name.split("/"):
        if p in ("", "."):
            continue
        if p == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(p)
    return "/".join(parts)

for layer in manifest["layers"]:
    with tarfile.open(blob(layer["digest"]), "r:*") as t:
        members = t.getmembers()
        for m in members:
            name = safe(m.name)
            if not name:
                continue
            base = os.path.basename(name)
            parent = os.path.dirname(name)
            if base == ".wh..wh..opq":
                d = os.path.join(root, parent)
                if os.path.isdir(d):
                    for e in os.listdir(d):
                        p = os.path.join(d, e)
                        shutil.rmtree(p) if os.path.isdir(p) and not os.path.islink(p) else os.unlink(p)
            elif base.startswith(".wh."):
                p = os.path.join(root, parent, base[4:])
                if os.path.islink(p) or os.path.isfile(p):
                    os.unlink(p)
                elif os.path.isdir(p):
                    shutil.rmtree(p)
        for m in members:
            name = safe(m.name)
            if not name or os.path.basename(name).startswith(".wh."):
                continue
            if m.isdev() or m.isfifo():
                continue
            dest = os.path.join(root, name)
            if (m.isfile() or m.issym() or m.islnk()) and (os.path.islink(dest) or os.path.isfile(dest)):
                os.unlink(dest)
            if m.isdir():
                os.makedirs(dest, exist_ok=True)
                continue
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            if m.issym():
                os.symlink(m.linkname, dest)
            elif m.islnk():
                src = os.path.join(root, safe(m.linkname))
                if os.path.exists(src):
                    shutil.copyfile(src, dest)
            else:
                with t.extractfile(m) as f, open(dest, "wb") as o:
                    shutil.copyfileobj(f, o)
                os.chmod(dest, m.mode & 0o777 | 0o600)

lines = set()
def emit(t, n, v):
    lines.add(f"{t}\t{n}\t{v}")

def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True).stdout

owned = set()
admin = os.path.join(root, "var/lib/dpkg")
if os.path.isfile(os.path.join(admin, "status")):
    q = run(["dpkg-query", "--admindir=" + admin, "-W", "-f=${db:Status-Status}\t${Package}\t${Version}\n"])
    for l in q.splitlines():
        st, n, v = l.split("\t")
        if st == "installed":
            emit("dpkg", n, v)
    info = os.path.join(admin, "info")
    for f in os.listdir(info):
        if f.endswith(".list"):
            for p in open(os.path.join(info, f), errors="replace"):
                owned.add(p.strip().lstrip("/"))

apkdb = os.path.join(root, "lib/apk/db/installed")
if os.path.isfile(apkdb):
    for rec in open(apkdb).read().split("\n\n"):
        kv = dict(l.split(":", 1) for l in rec.splitlines() if len(l) > 2 and l[1] == ":")
        if "P" in kv:
            emit("apk", kv["P"], kv["V"])

for dirpath, dirs, files in os.walk(root):
    rel = os.path.relpath(dirpath, root)
    if "rpm" in rel and "Packages.db" not in files and "rpmdb.sqlite" in files:
        q = run(["rpm", "--dbpath", dirpath, "-qa", "--qf", "%{NAME}\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\n"])
        for l in q.splitlines():
            n, v = l.split("\t")
            emit("rpm", n, v[2:] if v.startswith("0:") else v)
    for f in files:
        full = os.path.join(dirpath, f)
        relf = os.path.normpath(os.path.join(rel, f))
        if os.path.islink(full):
            continue
        if f == "package-lock.json" and "node_modules" not in relf:
            lock = json.load(open(full))
            for path, e in lock.get("packages", {}).items():
                if path and "version" in e and not e.get("link"):
                    emit("npm", e.get("name", path.rsplit("node_modules/", 1)[-1]), e["version"])
        if f == "poetry.lock":
            for p in tomllib.load(open(full, "rb")).get("package", []):
                emit("python", p["name"], p["version"])
        if f.startswith("requirements") and f.endswith(".txt"):
            for l in open(full):
                l = l.split("#")[0].split(";")[0].strip()
                if "==" in l and not l.startswith("-"):
                    n, v = l.split("==", 1)
                    emit("python", n.split("[")[0].strip(), v.strip())
        if f == "Cargo.lock":
            for p in tomllib.load(open(full, "rb")).get("package", []):
                if "source" in p:  # the workspace's own crates have no source
                    emit("cargo", p["name"], p["version"])
        if f == "composer.lock":
            lock = json.load(open(full))
            for p in lock.get("packages", []) + lock.get("packages-dev", []):
                emit("composer", p["name"], p["version"].lstrip("v"))
        if f == "installed.json" and dirpath.endswith("vendor/composer"):
            data = json.load(open(full))
            for p in data.get("packages", data if isinstance(data, list) else []):
                emit("composer", p["name"], p["version"].lstrip("v"))
        if f.endswith(".deps.json"):
            for k, v in json.load(open(full)).get("libraries", {}).items():
                if v.get("type") == "package":
                    n, ver = k.split("/")
                    emit("nuget", n, ver)
        if f.endswith(".gemspec") and os.path.basename(dirpath) == "specifications":
            stem = f[:-len(".gemspec")]
            n, v = stem.rsplit("-", 1)
            emit("gem", n, v)
        if f.endswith((".jar", ".war", ".ear")) and relf not in owned:
            def walk(z, fname, depth=0):
                poms = [n for n in z.namelist() if n.startswith("META-INF/maven/") and n.endswith("/pom.properties")]
                for n in poms:
                    props = {}
                    for l in z.read(n).decode(errors="replace").splitlines():
                        l = l.strip()
                        if l and l[0] not in "#!":
                            for sep in "=:":
                                if sep in l:
                                    k, v = l.split(sep, 1)
                                    props[k.strip()] = v.strip()
                                    break
                    emit("maven", props["groupId"] + ":" + props["artifactId"], props["version"])
                if not poms:
                    emit("maven-nopom", fname, "")
                for n in z.namelist():
                    if n.endswith(".jar") and depth < 8:
                        walk(zipfile.ZipFile(io.BytesIO(z.read(n))), os.path.basename(n), depth + 1)
            walk(zipfile.ZipFile(full), f)
        if os.access(full, os.X_OK) and os.path.isfile(full) and shutil.which("go") and relf not in owned:
            with open(full, "rb") as fh:
                if fh.read(4) != b"\x7fELF":
                    continue
            q = run(["go", "version", "-m", full])
            if not q:
                continue
            first, *rest = q.splitlines()
            emit("go", "stdlib", first.split(": ", 1)[1].split()[0][2:])
            for l in rest:
                parts = l.strip().split("\t")
                if parts[0] in ("mod", "dep"):
                    emit("go", parts[1], parts[2])
                elif parts[0] == "=>" and len(parts) >= 3 and parts[2]:
                    # replacement of the previous dep
                    last = sorted(x for x in lines if x.startswith("go\t"))
                    emit("go-replaced", parts[1], parts[2])

# Python distributions not owned by dpkg.
sys.path = [p for p in sys.path]
import importlib.metadata as md
for dirpath, dirs, files in os.walk(root):
    for d in dirs:
        if d.endswith((".dist-info", ".egg-info")):
            meta = os.path.join(dirpath, d, "METADATA" if d.endswith(".dist-info") else "PKG-INFO")
            rel = os.path.relpath(meta, root)
            if os.path.isfile(meta) and rel not in owned:
                dist = md.PathDistribution(__import__("pathlib").Path(os.path.join(dirpath, d)))
                emit("python", dist.metadata["Name"], dist.version)
    for f in files:
        if f.endswith(".egg-info"):
            full = os.path.join(dirpath, f)
            rel = os.path.relpath(full, root)
            if os.path.isfile(full) and rel not in owned:
                dist = md.PathDistribution(__import__("pathlib").Path(full))
                emit("python", dist.metadata["Name"], dist.version)

print("\n".join(sorted(lines)))

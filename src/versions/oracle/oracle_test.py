#!/usr/bin/python3
"""Oracle tests: our schemes against the reference implementations, on large random samples.

  oracle_test.py TOOL ORACLE [--pairs N] [--seed S]

TOOL is versions_compare_tool. ORACLE is one of
  dpkg    `dpkg --compare-versions`, on real Debian 12 versions (../shared/data/debian-versions)
  pep440  Debian's python3-packaging (packaging.version.Version)
  rpm     Debian's python3-rpm (rpm.labelCompare)
  npm     the npm `semver` package (installed by the test into a gitignored folder)
  npm-range  the same package's validRange and satisfies, on random ranges and versions
Every pair must agree; exit 0 on full agreement, 1 on any disagreement, 77 (ctest SKIP) when
the oracle or the shared data is not available.
"""
import argparse
import os
import random
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SHARED = os.path.join(REPO, "..", "shared", "data")
SKIP = 77


def skip(why):
    print("SKIP:", why)
    sys.exit(SKIP)


def debian_versions():
    d = os.path.join(SHARED, "debian-versions")
    if not os.path.isdir(d):
        return []
    out = set()
    for name in sorted(os.listdir(d)):
        if not name.endswith(".tsv"):
            continue
        with open(os.path.join(d, name), encoding="utf-8") as f:
            for line in f:
                if line.startswith("#"):
                    continue
                cols = line.rstrip("\n").split("\t")
                if len(cols) > 1 and cols[1]:
                    out.add(cols[1])
    return sorted(out)


def neighbour_pairs(versions, rng, n):
    """Pairs that share a prefix: the comparisons where schemes actually differ."""
    by_prefix = {}
    for v in versions:
        by_prefix.setdefault(v[:3], []).append(v)
    groups = [g for g in by_prefix.values() if len(g) > 1]
    pairs = []
    for _ in range(n):
        g = rng.choice(groups)
        pairs.append((rng.choice(g), rng.choice(g)))
    return pairs


def random_pairs(versions, rng, n):
    return [(rng.choice(versions), rng.choice(versions)) for _ in range(n)]


def run_tool(tool, scheme, pairs):
    data = "".join(f"{a}\t{b}\n" for a, b in pairs)
    out = subprocess.run([tool, scheme], input=data, capture_output=True, text=True, check=True)
    lines = out.stdout.split("\n")[:-1]
    assert len(lines) == len(pairs), (len(lines), len(pairs))
    return lines


def sign(x):
    return (x > 0) - (x < 0)


def sym(x):
    return {-1: "<", 0: "=", 1: ">"}[sign(x)]


def oracle_dpkg(pairs):
    if shutil.which("dpkg") is None:
        skip("dpkg not installed")
    res = []
    for a, b in pairs:
        def test(op):
            return subprocess.run(["dpkg", "--compare-versions", a, op, b],
                                  stderr=subprocess.DEVNULL).returncode == 0
        res.append("<" if test("lt") else ("=" if test("eq") else ">"))
    return res


def pep440_versions(rng):
    base = set()
    d = os.path.join(SHARED, "advisories", "pypa-advisory-database")
    pat = re.compile(r"^\s*-?\s*(?:introduced|fixed|last_affected)?:?\s*['\"]?"
                     r"(v?[0-9][0-9A-Za-z.!+_-]*)['\"]?\s*$")
    if os.path.isdir(d):
        for root, _, files in os.walk(d):
            for name in files:
                if not name.endswith((".yaml", ".yml")):
                    continue
                with open(os.path.join(root, name), encoding="utf-8", errors="replace") as f:
                    for line in f:
                        m = pat.match(line)
                        if m:
                            base.add(m.group(1))
    # Synthetic spellings over every part of the grammar.
    parts_pre = ["", "a1", "b2", "rc1", "c3", ".alpha", "-beta.2", "pre4", "preview1", "a"]
    parts_post = ["", ".post1", "-2", ".rev3", "r", "_post"]
    parts_dev = ["", ".dev0", "dev5", "-dev"]
    parts_local = ["", "+local", "+1.2", "+ubuntu-1", "+abc.7", "+5"]
    for _ in range(4000):
        rel = ".".join(str(rng.choice([0, 0, 1, 2, 10])) for _ in range(rng.randint(1, 4)))
        epoch = rng.choice(["", "", "", "1!", "0!"])
        base.add(epoch + rel + rng.choice(parts_pre) + rng.choice(parts_post) +
                 rng.choice(parts_dev) + rng.choice(parts_local))
    return sorted(base)


def oracle_pep440(pairs):
    try:
        from packaging.version import Version, InvalidVersion
    except ImportError:
        skip("python3-packaging not installed")
    res = []
    for a, b in pairs:
        try:
            va, vb = Version(a), Version(b)
        except InvalidVersion:
            res.append("!")
            continue
        res.append("<" if va < vb else (">" if va > vb else "="))
    return res


def rpm_split(s):
    e = "0"
    if ":" in s and s.split(":", 1)[0].isdigit():
        e, s = s.split(":", 1)
    v, r = s.rsplit("-", 1) if "-" in s else (s, "")
    return (e, v, r)


def rpm_versions(rng):
    vs = [v for v in debian_versions()]
    words = ["el9", "el9_2", "fc38", "module+el8.4.0+1234+abcdef", "git", "rc", "~rc1", "^git3"]
    for _ in range(5000):
        v = ".".join(str(rng.randint(0, 12)) for _ in range(rng.randint(1, 4)))
        if rng.random() < 0.3:
            v += rng.choice(["~rc1", "^20230101git", "~beta", "a", "^1", "~~"])
        r = ".".join([str(rng.randint(0, 30)), rng.choice(words)])
        e = rng.choice(["", "", "", "1:", "2:"])
        vs.append(f"{e}{v}-{r}")
    return vs


def oracle_rpm(pairs):
    try:
        import rpm
    except ImportError:
        skip("python3-rpm not installed")
    res = []
    for a, b in pairs:
        ea, eb = rpm_split(a), rpm_split(b)
        # labelCompare and our scheme disagree by design only on an empty version field.
        if not ea[1] or not eb[1]:
            res.append("!")
            continue
        res.append(sym(rpm.labelCompare(ea, eb)))
    return res


def npm_semver_module():
    target = os.path.join(REPO, "build-oracle", "node")  # gitignored (/build*/)
    mod = os.path.join(target, "node_modules", "semver")
    if not os.path.isdir(mod):
        if shutil.which("npm") is None or shutil.which("node") is None:
            skip("node/npm not installed")
        os.makedirs(target, exist_ok=True)
        r = subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund",
                            "--prefix", target, "semver@7"], capture_output=True, text=True)
        if r.returncode != 0 or not os.path.isdir(mod):
            skip("could not install npm semver: " + r.stderr.strip()[:200])
    return target


def semver_versions(rng):
    vs = set()
    pre_ids = ["alpha", "beta", "rc", "0", "1", "2", "10", "x-y", "A", "a1", "1a"]
    for _ in range(6000):
        v = ".".join(str(rng.choice([0, 1, 2, 3, 10, 11, 99])) for _ in range(3))
        if rng.random() < 0.5:
            v += "-" + ".".join(rng.choice(pre_ids) for _ in range(rng.randint(1, 3)))
        if rng.random() < 0.2:
            v += "+build." + str(rng.randint(0, 9))
        if rng.random() < 0.1:
            v = "v" + v
        vs.add(v)
    return sorted(vs)


def oracle_npm(pairs):
    target = npm_semver_module()
    script = ("const semver=require('semver');const lines=require('fs').readFileSync(0,'utf8')"
              ".split('\\n');lines.pop();const out=[];for(const l of lines){const [a,b]=l.split('\\t');"
              "if(!semver.valid(a)||!semver.valid(b)){out.push('!');continue;}"
              "const c=semver.compare(a,b);out.push(c<0?'<':c>0?'>':'=');}"
              "process.stdout.write(out.join('\\n')+'\\n');")
    data = "".join(f"{a}\t{b}\n" for a, b in pairs)
    env = dict(os.environ, NODE_PATH=os.path.join(target, "node_modules"))
    r = subprocess.run(["node", "-e", script], input=data, capture_output=True, text=True,
                       env=env, check=True)
    return r.stdout.split("\n")[:-1]


def random_ranges(rng, n):
    nums = ["0", "1", "2", "3", "10", "x", "*", "X"]
    def xr():
        parts = [rng.choice(nums[:5])] + [rng.choice(nums) for _ in range(rng.randint(0, 2))]
        v = ".".join(parts)
        if len(parts) == 3 and rng.random() < 0.3:
            v += "-" + rng.choice(["alpha", "beta.1", "0", "rc.2"])
        return v
    def comparator():
        kind = rng.random()
        if kind < 0.15:
            return "^" + xr()
        if kind < 0.3:
            return rng.choice(["~", "~>", "~ "]) + xr()
        if kind < 0.45:
            return xr() + " - " + xr()
        if kind < 0.8:
            return rng.choice(["<", "<=", ">", ">=", "=", "", "> ", ">= "]) + xr()
        return rng.choice(["*", "", "x", "1.x || 2.x"])
    out = []
    for _ in range(n):
        sets = []
        for _ in range(rng.randint(1, 2)):
            sets.append(" ".join(comparator() for _ in range(rng.randint(1, 2))))
        out.append(" || ".join(sets))
    return out


def oracle_npm_range(pairs):
    target = npm_semver_module()
    script = ("const semver=require('semver');const lines=require('fs').readFileSync(0,'utf8')"
              ".split('\\n');lines.pop();const out=[];for(const l of lines){const [r,v]=l.split('\\t');"
              "const c=semver.validRange(r);if(c===null){out.push('!');continue;}"
              "out.push((semver.satisfies(v,r)?'1 ':'0 ')+c);}"
              "process.stdout.write(out.join('\\n')+'\\n');")
    data = "".join(f"{a}\t{b}\n" for a, b in pairs)
    env = dict(os.environ, NODE_PATH=os.path.join(target, "node_modules"))
    r = subprocess.run(["node", "-e", script], input=data, capture_output=True, text=True,
                       env=env, check=True)
    return r.stdout.split("\n")[:-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool")
    ap.add_argument("oracle", choices=["dpkg", "pep440", "rpm", "npm", "npm-range"])
    ap.add_argument("--pairs", type=int, default=0)
    ap.add_argument("--seed", type=int, default=20261201)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    if args.oracle == "dpkg":
        vs = debian_versions()
        if not vs:
            skip("shared debian-versions data absent")
        n = args.pairs or 5000
        pairs = neighbour_pairs(vs, rng, n // 2) + random_pairs(vs, rng, n - n // 2)
        expected = oracle_dpkg(pairs)
        scheme = "dpkg"
    elif args.oracle == "pep440":
        vs = pep440_versions(rng)
        n = args.pairs or 50000
        pairs = neighbour_pairs(vs, rng, n // 2) + random_pairs(vs, rng, n - n // 2)
        expected = oracle_pep440(pairs)
        scheme = "pep440"
    elif args.oracle == "rpm":
        vs = rpm_versions(rng)
        n = args.pairs or 50000
        pairs = neighbour_pairs(vs, rng, n // 2) + random_pairs(vs, rng, n - n // 2)
        expected = oracle_rpm(pairs)
        scheme = "rpm"
    elif args.oracle == "npm-range":
        versions = semver_versions(rng)
        n = args.pairs or 20000
        ranges = random_ranges(rng, n)
        pairs = [(r, rng.choice(versions)) for r in ranges]
        vs = ranges
        expected = oracle_npm_range(pairs)
        scheme = "npm-range"
    else:
        vs = semver_versions(rng)
        n = args.pairs or 50000
        pairs = neighbour_pairs(vs, rng, n // 2) + random_pairs(vs, rng, n - n // 2)
        expected = oracle_npm(pairs)
        scheme = "npm"
    got = run_tool(args.tool, scheme, pairs)
    checked = agree = 0
    bad = []
    for (a, b), e, g in zip(pairs, expected, got):
        if scheme == "npm-range":
            checked += 1
            if e == g:
                agree += 1
            else:
                bad.append((a, b, e, g))
            continue
        if e == "!":
            # The oracle rejects the input: we must reject it too (pep440/npm), or it is outside
            # what the oracle can judge (rpm's empty version field).
            if scheme in ("pep440", "npm"):
                checked += 1
                if g.startswith("!"):
                    agree += 1
                else:
                    bad.append((a, b, "invalid", g))
            continue
        checked += 1
        if e == g:
            agree += 1
        else:
            bad.append((a, b, e, g))
    print(f"{args.oracle}: {agree}/{checked} pairs agree ({len(set(vs))} distinct versions)")
    for a, b, e, g in bad[:20]:
        print(f"  DISAGREE {a!r} vs {b!r}: oracle {e}, ours {g}")
    return 0 if not bad and checked > 0 else 1


if __name__ == "__main__":
    sys.exit(main())

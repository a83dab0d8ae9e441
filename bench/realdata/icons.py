#!/usr/bin/env python3
"""Builds kvcap's real development sets from captioned icon and flag packages (no emoji sets).

Sources of set a, the development set (npm packages, unpacked by build.sh into PKGS/<name>/package):
  - @mdi/svg            Material Design Icons: the name and its aliases (icons with at least one alias)
  - @fortawesome/fontawesome-free  the label and its search terms (solid, regular and brand SVGs)
  - flag-icons + circle-flags + world-countries  country flags (4x3, 1x1, circle) and their names

Sources of set b (--set b), a second set no default was chosen on (docs/REAL-DATA.md, "A second
real set"), from other icon families and their own tags:
  - lucide-static       Lucide: the name and its tags
  - @phosphor-icons/core  Phosphor: the name and its tags, regular and fill styles
  - @tabler/icons       Tabler: the name and its tags, icons drawn in both outline and filled styles

Sources of set c (--set c), a third set, built after a change found on set b (nothing tuned on it):
  - ionicons            Ionicons: the name and its tags, filled, outline and sharp styles
  - @primer/octicons    Octicons: the name and its keywords, 16 and 24 pixel drawings
  - @iconscout/unicons  Unicons: the name and its tags, line, solid, monochrome and thin-line styles
  - @carbon/icons       Carbon: the friendly name and its aliases (a "--filled" or "--outline"
                        drawing is one item with the plain one)

Every caption is a human-written name or description from the package's own metadata, lower-cased
with hyphens and underscores turned into spaces; 2-5 per image. Images are rendered by
rsvg-convert onto a white SIZE x SIZE page, the artwork centred with its aspect ratio kept.

The split is by *item*, not by image: every image of one icon (its outline variant, its solid and
regular styles) or one country (its three flags) lands in the same split, so test items are never
seen in training. Output: the MSCOCO layout kvcap reads,
  OUT/images/{train,val,test}/NNNNNN.png, OUT/annotations/captions_{train,val,test}.json.
Deterministic for a given --seed and package versions.
"""

import argparse
import concurrent.futures
import json
import os
import random
import re
import subprocess
import sys


def words(text):
    text = re.sub(r"[-_/]+", " ", text.lower())
    text = re.sub(r"\s+", " ", text).strip()
    return text


def distinct(captions, limit=5):
    out = []
    for c in captions:
        c = words(c)
        if c and c not in out:
            out.append(c)
    return out[:limit]


def mdi(pkgs):
    root = os.path.join(pkgs, "mdi-svg", "package")
    meta = json.load(open(os.path.join(root, "meta.json")))
    for icon in meta:
        if icon.get("deprecated") or not icon.get("aliases"):
            continue
        caps = distinct([icon["name"]] + icon["aliases"])
        if len(caps) >= 2:
            yield ("mdi:" + icon["baseIconId"], os.path.join(root, "svg", icon["name"] + ".svg"), caps)


def fontawesome(pkgs):
    root = os.path.join(pkgs, "fontawesome-free", "package")
    fams = json.load(open(os.path.join(root, "metadata", "icon-families.json")))
    for name, icon in sorted(fams.items()):
        terms = icon.get("search", {}).get("terms", [])
        # Longer (multi-word) terms first: they read most like descriptions.
        terms = sorted((str(t) for t in terms), key=lambda t: (-len(t.split()), t))
        caps = distinct([icon.get("label", name)] + terms)
        if len(caps) < 2:
            continue
        for style in ("solid", "regular", "brands"):
            path = os.path.join(root, "svgs", style, name + ".svg")
            if os.path.exists(path):
                yield ("fa:" + name, path, caps)


def flags(pkgs):
    fi = os.path.join(pkgs, "flag-icons", "package")
    cf = os.path.join(pkgs, "circle-flags", "package", "flags")
    countries = json.load(open(os.path.join(pkgs, "world-countries", "package", "countries.json")))
    by_code = {c["cca2"].lower(): c for c in countries}
    for c in json.load(open(os.path.join(fi, "country.json"))):
        code = c["code"]
        w = by_code.get(code)
        if w is None:
            continue
        common = w["name"]["common"]
        caps = distinct(
            ["the flag of " + common, common + " flag", "flag of " + w["name"]["official"]]
            + [s for s in w.get("altSpellings", []) if len(s) > 3 and s.isascii()][:2])
        files = [os.path.join(fi, c["flag_4x3"]), os.path.join(fi, c["flag_1x1"]),
                 os.path.join(cf, code + ".svg")]
        for f in files:
            if os.path.exists(f):
                yield ("flag:" + code, f, caps)


def tagged(name, tags):
    """The name, then its tags (multi-word ones first, as for Font Awesome's terms)."""
    tags = sorted((str(t) for t in tags if "*" not in str(t)), key=lambda t: (-len(t.split()), t))
    return distinct([name] + tags)


def lucide(pkgs):
    root = os.path.join(pkgs, "lucide-static", "package")
    for name, tags in sorted(json.load(open(os.path.join(root, "tags.json"))).items()):
        caps = tagged(name, tags)
        path = os.path.join(root, "icons", name + ".svg")
        if len(caps) >= 2 and os.path.exists(path):
            yield ("lucide:" + name, path, caps)


def phosphor(pkgs):
    root = os.path.join(pkgs, "phosphor-core", "package")
    src = open(os.path.join(root, "dist", "index.mjs"), encoding="utf-8").read()
    for name, tags in re.findall(r'\{\s*name:\s*"([^"]+)",\s*pascal_name:[^{}]*?tags:\s*\[([^\]]*)\]', src):
        caps = tagged(name, re.findall(r'"([^"]*)"', tags))
        if len(caps) < 2:
            continue
        for style, suffix in (("regular", ""), ("fill", "-fill")):
            path = os.path.join(root, "assets", style, name + suffix + ".svg")
            if os.path.exists(path):
                yield ("phosphor:" + name, path, caps)


def tabler(pkgs):
    root = os.path.join(pkgs, "tabler-icons", "package")
    for name, icon in sorted(json.load(open(os.path.join(root, "icons.json"))).items()):
        styles = icon.get("styles", {})
        caps = tagged(name, icon.get("tags", []))
        if "outline" not in styles or "filled" not in styles or len(caps) < 2:
            continue
        for style in ("outline", "filled"):
            path = os.path.join(root, "icons", style, name + ".svg")
            if os.path.exists(path):
                yield ("tabler:" + name, path, caps)


def ionicons(pkgs):
    root = os.path.join(pkgs, "ionicons", "package")
    styles = {}
    for icon in json.load(open(os.path.join(root, "dist", "ionicons.json")))["icons"]:
        name = icon["name"]
        base = re.sub(r"-(outline|sharp)$", "", name)
        styles.setdefault(base, []).append(name)
    tags = {i["name"]: i["tags"] for i in json.load(open(os.path.join(root, "dist", "ionicons.json")))["icons"]}
    for base in sorted(styles):
        own = [t for t in tags.get(base, tags[styles[base][0]]) if t not in ("outline", "sharp")]
        caps = tagged(base, own)
        if len(caps) < 2:
            continue
        for name in sorted(styles[base]):
            path = os.path.join(root, "dist", "svg", name + ".svg")
            if os.path.exists(path):
                yield ("ionicons:" + base, path, caps)


def octicons(pkgs):
    root = os.path.join(pkgs, "octicons", "package")
    for name, icon in sorted(json.load(open(os.path.join(root, "build", "data.json"))).items()):
        caps = tagged(name, icon.get("keywords", []))
        if len(caps) < 2:
            continue
        for height in sorted(icon.get("heights", {})):
            path = os.path.join(root, "build", "svg", "%s-%s.svg" % (name, height))
            if os.path.exists(path):
                yield ("octicons:" + name, path, caps)


def unicons(pkgs):
    root = os.path.join(pkgs, "unicons", "package")
    rows = {}
    for style in ("line", "solid", "monochrome", "thinline"):
        for icon in json.load(open(os.path.join(root, "json", style + ".json"))):
            rows.setdefault(icon["name"], []).append(icon)
    for name in sorted(rows):
        caps = tagged(name, rows[name][0].get("tags") or [])
        if len(caps) < 2:
            continue
        for icon in rows[name]:
            path = os.path.join(root, icon["svg"])
            if os.path.exists(path):
                yield ("unicons:" + name, path, caps)


def carbon(pkgs):
    root = os.path.join(pkgs, "carbon-icons", "package")
    for icon in sorted(json.load(open(os.path.join(root, "metadata.json")))["icons"], key=lambda i: i["name"]):
        base = re.sub(r"--(filled|outline)$", "", icon["name"])
        caps = tagged(icon.get("friendlyName") or icon["name"], icon.get("aliases") or [])
        path = os.path.join(root, "svg", "32", *icon.get("namespace", []), icon["name"] + ".svg")
        if len(caps) >= 2 and os.path.exists(path):
            yield ("carbon:" + "/".join(icon.get("namespace", []) + [base]), path, caps)


SETS = {"a": (mdi, fontawesome, flags), "b": (lucide, phosphor, tabler), "c": (ionicons, octicons, unicons, carbon)}


def viewbox(svg_path):
    head = open(svg_path, encoding="utf-8", errors="replace").read(4000)
    m = re.search(r'viewBox="\s*([-\d.]+)[\s,]+([-\d.]+)[\s,]+([-\d.]+)[\s,]+([-\d.]+)', head)
    if m:
        return float(m.group(3)), float(m.group(4))
    return 1.0, 1.0


def render(job):
    src, dst, size = job
    w, h = viewbox(src)
    scale = size / max(w, h)
    pw, ph = max(1, round(w * scale)), max(1, round(h * scale))
    cmd = ["rsvg-convert", "-b", "white", "-w", str(pw), "-h", str(ph),
           "--page-width", str(size), "--page-height", str(size),
           "--left", str((size - pw) // 2), "--top", str((size - ph) // 2), "-o", dst, src]
    r = subprocess.run(cmd, capture_output=True)
    return r.returncode == 0 and os.path.getsize(dst) > 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pkgs", required=True, help="folder holding the unpacked packages")
    ap.add_argument("--out", required=True)
    ap.add_argument("--set", choices=sorted(SETS), default="a", help="which sources (a: the development set)")
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--val", type=float, default=0.08, help="share of items for validation")
    ap.add_argument("--test", type=float, default=0.10, help="share of items for test")
    args = ap.parse_args()

    items = {}
    for group, path, caps in (row for source in SETS[args.set] for row in source(args.pkgs)):
        items.setdefault(group, []).append((path, caps))
    groups = sorted(items)
    random.Random(args.seed).shuffle(groups)
    n_test, n_val = int(len(groups) * args.test), int(len(groups) * args.val)
    split_of = {}
    for i, g in enumerate(groups):
        split_of[g] = "test" if i < n_test else "val" if i < n_test + n_val else "train"

    jobs, records = [], {"train": [], "val": [], "test": []}
    next_id = 1
    for g in sorted(items):
        split = split_of[g]
        os.makedirs(os.path.join(args.out, "images", split), exist_ok=True)
        for path, caps in items[g]:
            name = "%06d.png" % next_id
            jobs.append((path, os.path.join(args.out, "images", split, name), args.size))
            records[split].append((next_id, name, g, caps))
            next_id += 1

    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        ok = list(pool.map(render, jobs))
    failed = {jobs[i][1] for i, good in enumerate(ok) if not good}

    os.makedirs(os.path.join(args.out, "annotations"), exist_ok=True)
    ann_id = 1
    for split, recs in records.items():
        images, anns = [], []
        for image_id, name, group, caps in recs:
            if os.path.join(args.out, "images", split, name) in failed:
                continue
            images.append({"id": image_id, "file_name": name, "width": args.size, "height": args.size,
                           "source": group})
            for c in caps:
                anns.append({"id": ann_id, "image_id": image_id, "caption": c})
                ann_id += 1
        tmp = os.path.join(args.out, "annotations", "captions_%s.json.tmp" % split)
        with open(tmp, "w") as f:
            json.dump({"images": images, "annotations": anns}, f)
        os.replace(tmp, tmp[:-4])
        print("%s: %d images, %d items, %d captions" % (split, len(images),
              len({r[2] for r in recs}), len(anns)), file=sys.stderr)
    if failed:
        print("%d images failed to render" % len(failed), file=sys.stderr)


if __name__ == "__main__":
    main()

"""Helper of bench/concepts.sh: picks the taught and evaluated images, and scores concept use."""
import json
import re
import sys

# Each concept: the patterns that state it in a caption (docs/SYNTHETIC.md caption grammar).
CONCEPTS = {
    "red triangle on the left of": [r"red triangle left of", r"right of an? (\w+ )?red triangle",
                                    r"red triangle on the left"],
    "green diamond above": [r"green diamond above", r"below an? (\w+ )?green diamond",
                            r"green diamond at the top"],
    "left of a blue circle": [r"left of an? (\w+ )?blue circle", r"blue circle right of",
                              r"blue circle on the right"],
    "above a yellow square": [r"above an? (\w+ )?yellow square", r"yellow square below",
                              r"yellow square at the bottom"],
}
TAUGHT = 20  # most images taught per concept


def states(caption, concept):
    return any(re.search(p, caption) for p in CONCEPTS[concept])


def plan(work):
    d = json.load(open(f"{work}/data/annotations/captions_test.json"))
    caps = {}
    for a in d["annotations"]:
        caps.setdefault(a["image_id"], []).append(a["caption"])
    files = {im["id"]: im["file_name"] for im in d["images"]}
    taught, rows = set(), []
    for concept in CONCEPTS:
        having = [i for i in sorted(caps) if i not in taught and any(states(c, concept) for c in caps[i])]
        for rank, i in enumerate(having[:TAUGHT], 1):
            caption = next(c for c in caps[i] if states(c, concept))
            rows.append(f"{concept}\t{rank}\t{files[i]}\t{caption}")
            taught.add(i)
    open(f"{work}/teach.tsv", "w").write("\n".join(rows) + "\n")
    keep = [im for im in d["images"] if im["id"] not in taught]
    ids = {im["id"] for im in keep}
    json.dump({"images": keep, "annotations": [a for a in d["annotations"] if a["image_id"] in ids]},
              open(f"{work}/eval.json", "w"))
    truth = {i: [c for c in CONCEPTS if any(states(x, c) for x in caps[i])] for i in ids}
    json.dump(truth, open(f"{work}/truth.json", "w"))


def score(work, k, entries):
    truth = {int(i): v for i, v in json.load(open(f"{work}/truth.json")).items()}
    hyp = {r["image_id"]: r["caption"] for r in json.load(open(f"{work}/results-{k}.json"))}
    cider = json.load(open(f"{work}/metrics-{k}.json"))["CIDEr"]
    base = None
    if k != "0":
        base = {r["image_id"]: r["caption"] for r in json.load(open(f"{work}/results-0.json"))}
    for concept in CONCEPTS:
        having = [i for i in hyp if concept in truth[i]]
        others = [i for i in hyp if concept not in truth[i]]
        use = sum(states(hyp[i], concept) for i in having)
        false = sum(states(hyp[i], concept) for i in others)
        off = f"{sum(states(base[i], concept) for i in having)} → " if base else ""
        print(f"| {k} | {entries} | {concept} | {len(having)} | {off}{use} ({100.0 * use / len(having):.0f} %) "
              f"| {false} of {len(others)} | {cider:.3f} |")


if __name__ == "__main__":
    if sys.argv[1] == "plan":
        plan(sys.argv[2])
    else:
        score(sys.argv[2], sys.argv[3], sys.argv[4])

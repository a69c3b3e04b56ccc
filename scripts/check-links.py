#!/usr/bin/env python3
"""Checks that every relative link in README.md, docs/ and the adapters' READMEs resolves to a file inside the
repository, and that a #fragment names a heading of the Markdown file it points at (GitHub's slugs).

Usage: python3 scripts/check-links.py [file.md ...]   (exits 1 and lists the broken links when there are any)
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|<img[^>]*\ssrc=\"([^\"]+)\"")
FENCE = re.compile(r"^\s*(```|~~~)")


def prose(text):
    """The text outside fenced code blocks and inline code spans, where a link is a link."""
    out, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            out.append(re.sub(r"`[^`]*`", lambda m: "`" if "](" not in m.group(0) else m.group(0), line))
    return "\n".join(out)


def slug(heading):
    """GitHub's anchor for a heading: lower case, punctuation dropped (but - and _), each space a hyphen."""
    text = re.sub(r"<[^>]+>", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path):
    seen, result = {}, set()
    for line in prose(path.read_text(encoding="utf-8")).splitlines():
        match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if match:
            base = slug(match.group(1))
            count = seen.get(base, 0)
            seen[base] = count + 1
            result.add(base if count == 0 else f"{base}-{count}")
    return result


def check(md):
    broken = []
    for match in LINK.finditer(prose(md.read_text(encoding="utf-8"))):
        target = match.group(1) or match.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
            continue  # http(s), mailto: not ours to check offline
        path, _, fragment = target.partition("#")
        resolved = (md.parent / path).resolve() if path else md
        where = f"{md.relative_to(ROOT)}: {target}"
        if ROOT not in resolved.parents and resolved != ROOT:
            broken.append(f"{where} (outside the repository)")
        elif not resolved.exists():
            broken.append(f"{where} (no such file)")
        elif fragment and resolved.suffix == ".md" and fragment not in anchors(resolved):
            broken.append(f"{where} (no heading #{fragment})")
    return broken


def main(args):
    files = [Path(a).resolve() for a in args] or sorted(
        [ROOT / "README.md", *(ROOT / "docs").rglob("*.md"), *(ROOT / "adapters").glob("*/README.md"),
         ROOT / "clients" / "js" / "README.md", ROOT / "bench" / "README.md"])
    broken = [b for f in files if f.exists() for b in check(f)]
    for b in broken:
        print(f"broken link: {b}")
    print(f"check-links: {len(files)} files, {len(broken)} broken links")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env node
// Builds datasets/debian/descriptions.jsonl: the long descriptions of Debian packages, one
// document per source package, labelled with the package's archive section. A corpus that is
// not one of the paper's (technical prose, 30+ themes), used to show `topickd tune` on data the
// paper never tuned for.
//
//   node scripts/datasets/debian-descriptions.mjs PACKAGES TRANSLATION_EN [OUT]
//
// PACKAGES and TRANSLATION_EN are the archive's index files as apt keeps them (plain text, or
// .lz4 as in /var/lib/apt/lists, decompressed with lz4cat). See datasets/debian/README.md for
// the exact files and their checksums.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

// Sections whose packages are mostly programs (not libraries of one language ecosystem,
// documentation, debug symbols or translations): their descriptions say what the program is for.
export const SECTIONS = [
  "admin", "comm", "database", "devel", "editors", "education", "electronics", "embedded",
  "games", "gnome", "graphics", "hamradio", "httpd", "interpreters", "kde", "kernel", "mail",
  "math", "misc", "net", "news", "science", "shells", "sound", "tex", "text", "utils", "vcs",
  "video", "web", "x11", "xfce",
];

function readIndex(path) {
  if (path.endsWith(".lz4")) return execFileSync("lz4cat", [path], { maxBuffer: 1 << 30 }).toString("utf8");
  return readFileSync(path, "utf8");
}

/** Debian control-file stanzas → objects; continuation lines joined with "\n". */
export function parseStanzas(text) {
  const out = [];
  for (const block of text.split(/\n\n+/)) {
    if (!block.trim()) continue;
    const fields = {};
    let key = null;
    for (const line of block.split("\n")) {
      if ((line.startsWith(" ") || line.startsWith("\t")) && key) fields[key] += "\n" + line;
      else {
        const colon = line.indexOf(":");
        if (colon < 0) continue;
        key = line.slice(0, colon);
        fields[key] = line.slice(colon + 1).trim();
      }
    }
    out.push(fields);
  }
  return out;
}

/** A Description field (first line = synopsis, then the extended text) as one paragraph of prose. */
export function descriptionText(description) {
  const [synopsis, ...rest] = description.split("\n");
  const body = rest
    .map((l) => l.replace(/^ /, ""))
    .map((l) => (l.trim() === "." ? "" : l))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  const head = synopsis.trim().replace(/[.\s]+$/, "");
  return body ? `${head}. ${body}` : `${head}.`;
}

export function buildCorpus(packagesText, translationText) {
  const longByMd5 = new Map();
  for (const s of parseStanzas(translationText)) {
    if (s["Description-md5"] && s["Description-en"]) longByMd5.set(s["Description-md5"], s["Description-en"]);
  }
  const keep = new Set(SECTIONS);
  const seenSource = new Set();
  const seenOpening = new Set();
  const docs = [];
  const packages = parseStanzas(packagesText).sort((a, b) => (a.Package < b.Package ? -1 : a.Package > b.Package ? 1 : 0));
  for (const p of packages) {
    const section = (p.Section ?? "").split("/").pop();
    if (!keep.has(section)) continue;
    const source = (p.Source ?? p.Package).split(" ")[0];
    if (seenSource.has(source)) continue;
    const long = longByMd5.get(p["Description-md5"]);
    if (!long) continue;
    const text = descriptionText(long);
    // Companion packages (data, common files, plugins) repeat their program's description
    // after their own synopsis: one document per description, whatever the synopsis says.
    const opening = text.slice(text.indexOf(". ") + 2).slice(0, 160).toLowerCase();
    if (text.split(" ").length < 12 || seenOpening.has(opening)) continue;
    seenSource.add(source);
    seenOpening.add(opening);
    docs.push({ text, label: section, package: p.Package });
  }
  return docs;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [packagesPath, translationPath, out = "datasets/debian/descriptions.jsonl"] = process.argv.slice(2);
  if (!packagesPath || !translationPath) {
    console.error("usage: node scripts/datasets/debian-descriptions.mjs PACKAGES TRANSLATION_EN [OUT]");
    process.exit(2);
  }
  const docs = buildCorpus(readIndex(packagesPath), readIndex(translationPath));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, docs.map((d) => JSON.stringify(d)).join("\n") + "\n");
  const bySection = {};
  for (const d of docs) bySection[d.label] = (bySection[d.label] ?? 0) + 1;
  const words = docs.reduce((n, d) => n + d.text.split(" ").length, 0);
  console.log(`${docs.length} documents, ${(words / docs.length).toFixed(1)} words on average → ${out}`);
  console.log(Object.entries(bySection).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", "));
}

// Checks evals/fresh/seeds-qa.jsonl against the corpus.
// Usage: node evals/fresh/check-fresh.mjs [path/to/seeds-qa.jsonl]
// Plain Node, no dependencies. Prints every problem found and exits 1 if any.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const corpusDir = join(repoRoot, 'corpus');
const seedsPath = process.argv[2] ? resolve(process.argv[2]) : join(here, 'seeds-qa.jsonl');

const EXPECTED_COUNTS = {
  factual: 25,
  reworded: 20,
  cross: 10,
  followup: 7,
  out_of_corpus: 8,
};
const EXPECTED_TOTAL = Object.values(EXPECTED_COUNTS).reduce((a, b) => a + b, 0);
const QUOTE_MIN = 8;
const QUOTE_MAX = 80;
const FACTS_MIN = 1;
const FACTS_MAX = 3;
const KEYS = ['id', 'type', 'question', 'history', 'answerable', 'documents', 'evidence', 'facts'];

const problems = [];
const problem = (where, msg) => problems.push(`${where}: ${msg}`);

// ---- corpus via manifest ----
const manifest = JSON.parse(readFileSync(join(corpusDir, 'manifest.json'), 'utf8'));
const docs = new Map(); // id -> { text, lines }
for (const d of manifest.documents) {
  const text = readFileSync(join(corpusDir, d.file), 'utf8');
  docs.set(d.id, { text, lines: text.split(/\r\n|\r|\n/) });
}

const isNonEmptyString = (v) => typeof v === 'string' && v.trim().length > 0;
// Character count in code points (all corpus text is BMP, but be safe).
const charLen = (s) => [...s].length;

// ---- read seeds ----
let raw;
try {
  raw = readFileSync(seedsPath, 'utf8');
} catch (e) {
  console.error(`cannot read ${seedsPath}: ${e.message}`);
  process.exit(1);
}
const lines = raw.split('\n');
if (lines.length && lines[lines.length - 1] === '') lines.pop();

const ids = new Map();
const counts = {};
const docUse = {};
let total = 0;

lines.forEach((line, i) => {
  const where0 = `line ${i + 1}`;
  if (line.trim() === '') {
    problem(where0, 'blank line');
    return;
  }
  let item;
  try {
    item = JSON.parse(line);
  } catch (e) {
    problem(where0, `invalid JSON: ${e.message}`);
    return;
  }
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    problem(where0, 'not a JSON object');
    return;
  }
  total++;
  const where = `${where0} (${item.id ?? 'no id'})`;

  // keys
  for (const k of KEYS) if (!(k in item)) problem(where, `missing key "${k}"`);
  for (const k of Object.keys(item)) if (!KEYS.includes(k)) problem(where, `unexpected key "${k}"`);

  // id
  if (!isNonEmptyString(item.id)) problem(where, 'id must be a non-empty string');
  else {
    if (!/^f-\d{3}$/.test(item.id)) problem(where, `id "${item.id}" does not match f-NNN`);
    if (ids.has(item.id)) problem(where, `duplicate id (first on line ${ids.get(item.id)})`);
    else ids.set(item.id, i + 1);
  }

  // type
  if (!(item.type in EXPECTED_COUNTS)) {
    problem(where, `unknown type "${item.type}"`);
  } else {
    counts[item.type] = (counts[item.type] || 0) + 1;
  }

  if (!isNonEmptyString(item.question)) problem(where, 'question must be a non-empty string');

  // history
  if (!Array.isArray(item.history)) problem(where, 'history must be an array');
  else if (item.type === 'followup') {
    const h = item.history;
    if (h.length !== 2) problem(where, `followup history must have 2 turns, has ${h.length}`);
    else {
      if (h[0]?.role !== 'user') problem(where, 'history[0].role must be "user"');
      if (h[1]?.role !== 'assistant') problem(where, 'history[1].role must be "assistant"');
      h.forEach((t, j) => {
        if (!isNonEmptyString(t?.content)) problem(where, `history[${j}].content must be a non-empty string`);
        const extra = Object.keys(t || {}).filter((k) => k !== 'role' && k !== 'content');
        if (extra.length) problem(where, `history[${j}] has unexpected keys ${extra.join(',')}`);
      });
    }
  } else if (item.history.length !== 0) {
    problem(where, 'history must be empty for non-followup items');
  }

  if (typeof item.answerable !== 'boolean') problem(where, 'answerable must be a boolean');
  if (!Array.isArray(item.documents)) problem(where, 'documents must be an array');
  if (!Array.isArray(item.evidence)) problem(where, 'evidence must be an array');
  if (!Array.isArray(item.facts)) problem(where, 'facts must be an array');
  if (!Array.isArray(item.documents) || !Array.isArray(item.evidence) || !Array.isArray(item.facts)) return;

  // out_of_corpus
  if (item.type === 'out_of_corpus') {
    if (item.answerable !== false) problem(where, 'out_of_corpus must have answerable: false');
    if (item.documents.length) problem(where, 'out_of_corpus must have documents: []');
    if (item.evidence.length) problem(where, 'out_of_corpus must have evidence: []');
    if (item.facts.length) problem(where, 'out_of_corpus must have facts: []');
    return;
  }
  if (item.answerable !== true) problem(where, `${item.type} items must have answerable: true`);

  // documents
  const docSet = new Set();
  for (const d of item.documents) {
    if (!docs.has(d)) problem(where, `unknown document id "${d}"`);
    if (docSet.has(d)) problem(where, `document "${d}" listed twice`);
    docSet.add(d);
    docUse[d] = (docUse[d] || 0) + 1;
  }
  if (item.type === 'cross') {
    if (docSet.size < 2 || docSet.size > 3) problem(where, `cross must list 2 or 3 documents, lists ${docSet.size}`);
  } else if (docSet.size !== 1) {
    problem(where, `${item.type} must list exactly 1 document, lists ${docSet.size}`);
  }

  // evidence
  if (item.evidence.length === 0) problem(where, 'answerable item needs evidence');
  const evDocs = [];
  const quotes = [];
  item.evidence.forEach((ev, j) => {
    const w = `${where} evidence[${j}]`;
    if (ev === null || typeof ev !== 'object') {
      problem(w, 'not an object');
      return;
    }
    const extra = Object.keys(ev).filter((k) => k !== 'document' && k !== 'quote');
    if (extra.length) problem(w, `unexpected keys ${extra.join(',')}`);
    evDocs.push(ev.document);
    if (!docSet.has(ev.document)) problem(w, `document "${ev.document}" not listed in documents`);
    if (typeof ev.quote !== 'string' || ev.quote.length === 0) {
      problem(w, 'quote must be a non-empty string');
      return;
    }
    quotes.push(ev.quote);
    const n = charLen(ev.quote);
    if (n < QUOTE_MIN || n > QUOTE_MAX) problem(w, `quote length ${n} outside ${QUOTE_MIN}-${QUOTE_MAX}`);
    if (/[\r\n]/.test(ev.quote)) problem(w, 'quote contains a line break');
    if (ev.quote !== ev.quote.trim()) problem(w, 'quote has leading/trailing whitespace');
    const doc = docs.get(ev.document);
    if (!doc) return;
    if (!doc.text.includes(ev.quote)) {
      problem(w, `quote not found verbatim in ${ev.document}: ${JSON.stringify(ev.quote)}`);
    } else if (!doc.lines.some((l) => l.includes(ev.quote))) {
      problem(w, `quote spans a line break in ${ev.document}`);
    }
  });
  // one evidence item per listed document (cross: exactly one each)
  for (const d of docSet) {
    const c = evDocs.filter((x) => x === d).length;
    if (c === 0) problem(where, `no evidence for listed document "${d}"`);
    if (item.type === 'cross' && c > 1) problem(where, `cross has ${c} evidence items for "${d}", expected 1`);
  }

  // facts
  if (item.facts.length < FACTS_MIN || item.facts.length > FACTS_MAX) {
    problem(where, `facts count ${item.facts.length} outside ${FACTS_MIN}-${FACTS_MAX}`);
  }
  const seenFacts = new Set();
  item.facts.forEach((f, j) => {
    if (!isNonEmptyString(f)) {
      problem(`${where} facts[${j}]`, 'fact must be a non-empty string');
      return;
    }
    if (seenFacts.has(f)) problem(`${where} facts[${j}]`, `duplicate fact "${f}"`);
    seenFacts.add(f);
    if (!quotes.some((q) => q.includes(f))) problem(`${where} facts[${j}]`, `fact "${f}" is not a substring of any quote`);
  });
});

// ---- totals ----
if (total !== EXPECTED_TOTAL) problem('file', `expected ${EXPECTED_TOTAL} items, found ${total}`);
for (const [t, n] of Object.entries(EXPECTED_COUNTS)) {
  if ((counts[t] || 0) !== n) problem('file', `type "${t}": expected ${n}, found ${counts[t] || 0}`);
}
for (const id of docs.keys()) {
  if (!docUse[id]) problem('file', `document "${id}" is not used by any question`);
}

console.log(`checked ${total} items in ${seedsPath}`);
console.log('per type:', JSON.stringify(counts));
console.log('per document (items citing it):', JSON.stringify(docUse));
if (problems.length) {
  console.log(`\n${problems.length} problem(s):`);
  for (const p of problems) console.log(`- ${p}`);
  process.exit(1);
}
console.log('OK: no problems found');

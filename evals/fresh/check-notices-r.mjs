// Checks evals/fresh/notices-r-questions.jsonl against the notices in evals/fresh/notices-r/.
// Plain Node, no dependencies. Usage (from the repo root): node evals/fresh/check-notices-r.mjs
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const DOC_DIR = join(here, 'notices-r');
const QFILE = join(here, 'notices-r-questions.jsonl');

const errors = [];
const err = (msg) => errors.push(msg);
const len = (s) => [...s].length; // count Unicode code points, not UTF-16 units

// ---- notices ----
if (!existsSync(DOC_DIR)) {
  console.error(`missing folder ${DOC_DIR}`);
  process.exit(1);
}
const docs = new Map(); // "r001" -> text
for (const name of readdirSync(DOC_DIR).sort()) {
  const m = /^(r\d{3})\.txt$/.exec(name);
  if (!m) {
    err(`unexpected file in notices-r/: ${name}`);
    continue;
  }
  const text = readFileSync(join(DOC_DIR, name), 'utf8');
  if (text.includes('\uFFFD')) err(`${name}: contains U+FFFD (not clean UTF-8)`);
  const n = len(text);
  if (n < 800 || n > 1800) err(`${name}: length ${n} outside 800–1800 characters`);
  docs.set(m[1], text);
}

// ---- questions ----
if (!existsSync(QFILE)) {
  console.error(`missing file ${QFILE}`);
  process.exit(1);
}
const raw = readFileSync(QFILE, 'utf8');
const lines = raw.split('\n');
if (lines.length && lines[lines.length - 1] === '') lines.pop();

const KEYS = ['id', 'question', 'document', 'answer', 'facts'];
const ids = new Set();
const perDoc = new Map();
let count = 0;

lines.forEach((line, i) => {
  const where = `line ${i + 1}`;
  if (line.trim() === '') {
    err(`${where}: empty line`);
    return;
  }
  let q;
  try {
    q = JSON.parse(line);
  } catch (e) {
    err(`${where}: invalid JSON (${e.message})`);
    return;
  }
  count++;
  if (q === null || typeof q !== 'object' || Array.isArray(q)) {
    err(`${where}: not a JSON object`);
    return;
  }
  const keys = Object.keys(q);
  if (keys.length !== KEYS.length || !KEYS.every((k) => keys.includes(k))) {
    err(`${where}: keys must be exactly ${KEYS.join(', ')} (got ${keys.join(', ')})`);
  }
  const { id, question, document, answer, facts } = q;
  const tag = `${where} (${id})`;

  if (typeof id !== 'string' || !/^r-\d{3}$/.test(id)) err(`${tag}: bad id`);
  else if (ids.has(id)) err(`${tag}: duplicate id`);
  else ids.add(id);

  if (typeof question !== 'string' || len(question.trim()) < 5) err(`${tag}: missing or too short question`);

  if (typeof document !== 'string' || !docs.has(document)) {
    err(`${tag}: document ${JSON.stringify(document)} has no file notices-r/${document}.txt`);
    return;
  }
  perDoc.set(document, (perDoc.get(document) || 0) + 1);
  const text = docs.get(document);

  if (typeof answer !== 'string') {
    err(`${tag}: answer is not a string`);
    return;
  }
  const alen = len(answer);
  if (alen < 10 || alen > 120) err(`${tag}: answer length ${alen} outside 10–120`);
  if (/[\r\n]/.test(answer)) err(`${tag}: answer spans more than one line`);
  const lineHit = text.split(/\r?\n/).some((l) => l.includes(answer));
  if (!lineHit) err(`${tag}: answer not found verbatim within one line of ${document}.txt`);

  if (!Array.isArray(facts) || facts.length < 1 || facts.length > 3) {
    err(`${tag}: facts must be an array of 1–3 strings`);
  } else {
    for (const f of facts) {
      if (typeof f !== 'string' || f.length === 0) err(`${tag}: fact is not a non-empty string`);
      else if (!answer.includes(f)) err(`${tag}: fact ${JSON.stringify(f)} is not a substring of answer`);
    }
  }

  for (const [other, otherText] of docs) {
    if (other !== document && otherText.includes(answer)) {
      err(`${tag}: answer text also occurs in ${other}.txt`);
    }
  }
});

for (const d of docs.keys()) {
  const n = perDoc.get(d) || 0;
  if (n < 3) err(`${d}: only ${n} question(s), need at least 3`);
}

if (errors.length) {
  console.error(errors.join('\n'));
  console.error(`\nFAIL: ${errors.length} problem(s); ${docs.size} notices, ${count} questions`);
  process.exit(1);
}
console.log(`OK: ${docs.size} notices, ${count} questions, ${ids.size} unique ids; every notice has >= 3 questions.`);

#!/usr/bin/env node
// Verifies evals/fresh/notices-s-questions.jsonl against the documents in evals/fresh/notices-s/.
// Plain Node, no dependencies. Usage (from the repository root):
//   node evals/fresh/check-notices-s.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const docDir = path.join(here, 'notices-s');
const qFile = path.join(here, 'notices-s-questions.jsonl');

// Invented place names used in this folder; every question must name one of them.
const PLACES = ['岚澧', '朔嵘', '棠阜', '汀栾', '苇岑', '蔺溪', '珂岭', '泠皋', '峄檀', '筠垣', '荇洲', '榛邑', '棠蔺'];

const errors = [];
const err = (where, msg) => errors.push(`${where}: ${msg}`);

// Load documents.
const docs = new Map();
for (const f of fs.readdirSync(docDir).filter((f) => f.endsWith('.txt')).sort()) {
  const text = fs.readFileSync(path.join(docDir, f), 'utf8');
  docs.set(f.replace(/\.txt$/, ''), text);
  const n = text.replace(/\s/g, '').length;
  if (n < 800 || n > 1800) err(f, `length ${n} (non-whitespace chars) outside 800–1800`);
}
if (docs.size === 0) err(docDir, 'no documents found');

const lines = fs.readFileSync(qFile, 'utf8').split('\n');
const ids = new Set();
const perDoc = new Map([...docs.keys()].map((k) => [k, 0]));
let count = 0;

lines.forEach((raw, i) => {
  const where = `line ${i + 1}`;
  if (raw.trim() === '') {
    if (i !== lines.length - 1) err(where, 'blank line');
    return;
  }
  let q;
  try {
    q = JSON.parse(raw);
  } catch (e) {
    err(where, `invalid JSON (${e.message})`);
    return;
  }
  count++;
  const keys = Object.keys(q).sort().join(',');
  if (keys !== 'answer,document,facts,id,question') err(where, `unexpected keys: ${keys}`);
  const { id, question, document, answer, facts } = q;
  const w = `${where} (${id})`;
  if (typeof id !== 'string' || !/^s-\d{3}$/.test(id)) err(w, 'bad id');
  if (ids.has(id)) err(w, 'duplicate id');
  ids.add(id);
  if (typeof question !== 'string' || question.trim().length < 5) err(w, 'missing question');
  if (typeof answer !== 'string') { err(w, 'answer not a string'); return; }
  if (!Array.isArray(facts) || facts.length < 1 || facts.length > 3) err(w, 'facts must be an array of 1–3 strings');
  if (!docs.has(document)) { err(w, `document ${document} not found`); return; }
  perDoc.set(document, perDoc.get(document) + 1);
  const text = docs.get(document);

  const len = [...answer].length;
  if (len < 10 || len > 120) err(w, `answer length ${len} outside 10–120`);
  if (/[\r\n]/.test(answer)) err(w, 'answer spans more than one line');
  if (!text.split('\n').some((l) => l.includes(answer))) err(w, 'answer not found verbatim within one line of the document');
  for (const f of facts || []) {
    if (typeof f !== 'string' || f.length === 0) err(w, 'empty fact');
    else if (!answer.includes(f)) err(w, `fact not in answer: ${f}`);
  }
  for (const [other, t] of docs) {
    if (other !== document && t.includes(answer)) err(w, `answer text also occurs in ${other}`);
  }
  if (typeof question === 'string') {
    const named = PLACES.filter((p) => question.includes(p));
    if (named.length === 0) err(w, 'question names no place');
    else if (!named.some((p) => text.includes(p))) err(w, `question names ${named.join('/')} but document does not`);
  }
});

for (const [d, n] of perDoc) if (n < 3) err(d, `only ${n} question(s)`);

if (errors.length) {
  console.error(errors.join('\n'));
  console.error(`\nFAIL: ${errors.length} problem(s) in ${count} questions / ${docs.size} documents`);
  process.exit(1);
}
console.log(`OK: ${count} questions, ${docs.size} documents, ${ids.size} unique ids`);

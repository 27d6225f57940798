#!/usr/bin/env node
// Checks the analyst question sets (seeds.jsonl over corpus/, regulations.jsonl over the shared
// regulations corpus): every line parses, ids are unique, documents exist, every quote occurs
// verbatim within one line of its document, facts are substrings of the question's quotes,
// out-of-corpus questions carry no documents, evidence or facts. Prints counts by file, type and
// split. Exit code 1 on any problem.
//
//   node evals/analysts/check-questions.mjs
//   REGULATIONS_DIR=/path/to/regulations node evals/analysts/check-questions.mjs
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const regulationsDir = process.env.REGULATIONS_DIR ?? resolve(repoRoot, 'evals/corpora/regulations');

const TYPES = ['topic', 'comparison', 'summary', 'out_of_corpus'];
const SPLITS = ['dev', 'test'];
const MIN_QUESTIONS = { 'seeds.jsonl': 35, 'regulations.jsonl': 25 };
const MIN_BY_TYPE = { topic: 20, comparison: 18, summary: 16, out_of_corpus: 6 };
const QUOTE_MIN = 8;
const QUOTE_MAX = 200;

const problems = [];
const problem = (where, message) => problems.push(`${where}: ${message}`);

/** A regulation's id: its file name without `.md`, each run of characters other than letters,
 *  digits and `_.-` replaced by `-`, leading and trailing `-` trimmed. */
export function regulationId(fileName) {
  return fileName
    .replace(/\.md$/, '')
    .replace(/[^\p{L}\p{N}_.-]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

function seedDocuments() {
  const corpusDir = join(repoRoot, 'corpus');
  const manifest = JSON.parse(readFileSync(join(corpusDir, 'manifest.json'), 'utf8'));
  const docs = new Map();
  for (const { id, file } of manifest.documents) docs.set(id, join(corpusDir, file));
  return docs;
}

function regulationDocuments() {
  if (!existsSync(regulationsDir)) {
    console.error(`regulations corpus not found at ${regulationsDir} (set REGULATIONS_DIR)`);
    process.exit(2);
  }
  const docs = new Map();
  for (const name of readdirSync(regulationsDir).sort()) {
    if (!name.endsWith('.md')) continue;
    const id = regulationId(name);
    if (docs.has(id)) problem('regulations', `two files map to id ${id}`);
    docs.set(id, join(regulationsDir, name));
  }
  return docs;
}

const linesCache = new Map();
function documentLines(path) {
  if (!linesCache.has(path)) {
    linesCache.set(path, readFileSync(path, 'utf8').split('\n').map((line) => line.replace(/\r$/, '')));
  }
  return linesCache.get(path);
}

const allIds = new Set();
const totals = { byType: Object.fromEntries(TYPES.map((t) => [t, 0])), bySplit: {}, count: 0 };

function checkFile(fileName, docs) {
  const path = join(here, fileName);
  const rows = readFileSync(path, 'utf8').split('\n');
  const byType = Object.fromEntries(TYPES.map((t) => [t, 0]));
  const bySplit = Object.fromEntries(SPLITS.map((s) => [s, 0]));
  const byTypeSplit = {};
  let count = 0;

  rows.forEach((row, index) => {
    if (row.trim() === '') return;
    let where = `${fileName}:${index + 1}`;
    let q;
    try {
      q = JSON.parse(row);
    } catch (err) {
      problem(where, `does not parse: ${err.message}`);
      return;
    }
    count += 1;
    if (typeof q.id !== 'string' || q.id === '') problem(where, 'missing id');
    else {
      where = `${fileName}:${index + 1} (${q.id})`;
      if (allIds.has(q.id)) problem(where, 'duplicate id');
      allIds.add(q.id);
    }
    if (!TYPES.includes(q.type)) problem(where, `bad type ${JSON.stringify(q.type)}`);
    if (!SPLITS.includes(q.split)) problem(where, `bad split ${JSON.stringify(q.split)}`);
    if (typeof q.question !== 'string' || q.question.trim().length < 5) problem(where, 'question missing or too short');
    if (!Array.isArray(q.history)) problem(where, 'history must be an array');
    if (!Array.isArray(q.documents) || !Array.isArray(q.evidence) || !Array.isArray(q.facts)) {
      problem(where, 'documents, evidence and facts must be arrays');
      return;
    }
    byType[q.type] = (byType[q.type] ?? 0) + 1;
    bySplit[q.split] = (bySplit[q.split] ?? 0) + 1;
    const ts = `${q.type}/${q.split}`;
    byTypeSplit[ts] = (byTypeSplit[ts] ?? 0) + 1;

    if (q.type === 'out_of_corpus') {
      if (q.answerable !== false) problem(where, 'out_of_corpus must have answerable:false');
      if (q.documents.length || q.evidence.length || q.facts.length) {
        problem(where, 'out_of_corpus must have empty documents, evidence and facts');
      }
      return;
    }

    if (q.answerable !== true) problem(where, 'answerable must be true');
    if (q.documents.length === 0) problem(where, 'no documents');
    if (new Set(q.documents).size !== q.documents.length) problem(where, 'duplicate document ids');
    for (const id of q.documents) if (!docs.has(id)) problem(where, `unknown document ${id}`);

    const quotedDocs = new Set();
    for (const ev of q.evidence) {
      const { document, quote } = ev ?? {};
      if (!docs.has(document)) {
        problem(where, `evidence names unknown document ${document}`);
        continue;
      }
      if (!q.documents.includes(document)) problem(where, `evidence document ${document} not in documents`);
      quotedDocs.add(document);
      if (typeof quote !== 'string') {
        problem(where, 'quote is not a string');
        continue;
      }
      if (/[\r\n]/.test(quote)) problem(where, `quote spans lines: ${JSON.stringify(quote)}`);
      const length = [...quote].length;
      if (length < QUOTE_MIN || length > QUOTE_MAX) problem(where, `quote length ${length}: ${JSON.stringify(quote)}`);
      if (!documentLines(docs.get(document)).some((line) => line.includes(quote))) {
        problem(where, `quote not found within one line of ${document}: ${JSON.stringify(quote)}`);
      }
    }
    for (const id of q.documents) if (!quotedDocs.has(id)) problem(where, `document ${id} has no evidence`);

    const quotes = q.evidence.map((ev) => ev?.quote ?? '');
    if (q.facts.length < 1 || q.facts.length > 6) problem(where, `${q.facts.length} facts (want 1-6)`);
    for (const fact of q.facts) {
      if (typeof fact !== 'string' || fact === '') problem(where, 'empty fact');
      else if (!quotes.some((quote) => quote.includes(fact))) problem(where, `fact not in any quote: ${fact}`);
    }

    if (q.type === 'topic') {
      if (q.documents.length !== 1) problem(where, 'a topic question answers from one document');
      if (q.evidence.length < 3 || q.evidence.length > 8) problem(where, `topic has ${q.evidence.length} quotes (want 3-8)`);
    }
    if (q.type === 'comparison' && q.documents.length < 2) problem(where, 'a comparison needs two or more documents');
    if (q.type === 'comparison' || q.type === 'summary') {
      for (const id of q.documents) {
        const own = q.evidence.filter((ev) => ev.document === id).map((ev) => ev.quote);
        if (!q.facts.some((fact) => own.some((quote) => quote.includes(fact)))) {
          problem(where, `no fact drawn from document ${id}`);
        }
      }
    }
  });

  if (count < (MIN_QUESTIONS[fileName] ?? 1)) problem(fileName, `${count} questions (want at least ${MIN_QUESTIONS[fileName]})`);
  console.log(`${fileName}: ${count} questions`);
  console.log(`  by type:  ${TYPES.map((t) => `${t} ${byType[t]}`).join(', ')}`);
  console.log(`  by split: ${SPLITS.map((s) => `${s} ${bySplit[s]}`).join(', ')}`);
  console.log(`  by type/split: ${Object.entries(byTypeSplit).sort().map(([k, v]) => `${k} ${v}`).join(', ')}`);
  for (const t of TYPES) totals.byType[t] += byType[t];
  for (const s of SPLITS) totals.bySplit[s] = (totals.bySplit[s] ?? 0) + bySplit[s];
  totals.count += count;
}

checkFile('seeds.jsonl', seedDocuments());
checkFile('regulations.jsonl', regulationDocuments());

console.log(`total: ${totals.count} questions`);
console.log(`  by type:  ${TYPES.map((t) => `${t} ${totals.byType[t]}`).join(', ')}`);
console.log(`  by split: ${SPLITS.map((s) => `${s} ${totals.bySplit[s]}`).join(', ')}`);
for (const [type, min] of Object.entries(MIN_BY_TYPE)) {
  if (totals.byType[type] < min) problem('total', `${totals.byType[type]} ${type} questions (want at least ${min})`);
}

if (problems.length) {
  console.error(`\n${problems.length} problem(s):`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log('\nall checks passed');

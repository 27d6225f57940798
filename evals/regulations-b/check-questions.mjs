#!/usr/bin/env node
// Checks evals/regulations-b/questions.jsonl against the regulations corpus.
// Usage: node evals/regulations-b/check-questions.mjs [--corpus DIR] [--questions FILE] [--excluded FILE]
// Default corpus: evals/corpora/regulations (a copy of the shared real-regulations corpus).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');

function argValue(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const corpusDir = path.resolve(argValue('--corpus') ?? path.join(repoRoot, 'evals', 'corpora', 'regulations'));
const questionsFile = path.resolve(argValue('--questions') ?? path.join(here, 'questions.jsonl'));
// Document ids the earlier regulations set already uses; this set must not cite any of them.
const excludedFile = path.resolve(argValue('--excluded') ?? path.join(here, 'excluded-documents.txt'));

const TYPES = ['factual', 'who', 'list', 'multipart', 'everyday', 'version', 'followup', 'out_of_corpus'];
// Exact counts per type (the set's specification), not minimums.
const EXPECTED = { factual: 30, who: 12, list: 15, multipart: 8, everyday: 20, version: 5, followup: 8, out_of_corpus: 12 };
const EXPECTED_TOTAL = 110;
const MIN_DOCUMENTS = 60;
const MAX_TITLE_NAMED = 5;
const MARKER = '<!-- INFO END -->';

export function documentId(fileName) {
  return fileName.replace(/\.md$/, '').replace(/[^\p{L}\p{N}_.-]+/gu, '-').replace(/^-+|-+$/g, '');
}

function loadCorpus(dir) {
  if (!fs.existsSync(dir)) throw new Error(`corpus folder not found: ${dir}`);
  const docs = new Map();
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.md')).sort()) {
    const id = documentId(name);
    if (docs.has(id)) throw new Error(`two corpus files map to the same id ${id}`);
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    const at = text.indexOf(MARKER);
    const body = at >= 0 ? text.slice(at + MARKER.length) : text;
    const lines = body.split(/\r?\n/).filter((l) => !l.trimStart().startsWith('#'));
    const match = /^(.*)\((\d{4}-\d{2}-\d{2})\)\.md$/.exec(name);
    docs.set(id, { name, lines, title: match ? match[1] : name, date: match ? match[2] : '' });
  }
  return docs;
}

function loadExcluded(file) {
  if (!fs.existsSync(file)) throw new Error(`excluded-documents list not found: ${file}`);
  return new Set(fs.readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean));
}

function main() {
  const docs = loadCorpus(corpusDir);
  const excluded = loadExcluded(excludedFile);
  const errors = [];
  for (const id of excluded) if (!docs.has(id)) errors.push(`excluded-documents.txt: ${id} does not map to a corpus file`);
  const seen = new Set();
  const records = [];
  const raw = fs.readFileSync(questionsFile, 'utf8').split('\n');
  raw.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      records.push({ lineNo: i + 1, q: JSON.parse(line) });
    } catch (e) {
      errors.push(`line ${i + 1}: not valid JSON (${e.message})`);
    }
  });

  const quoteProblem = (docId, quote) => {
    const doc = docs.get(docId);
    if (!doc) return `unknown document ${docId}`;
    if (typeof quote !== 'string' || quote.length < 8 || quote.length > 200) return `quote length ${quote?.length} outside 8..200`;
    if (/[\r\n]/.test(quote)) return 'quote contains a line break';
    if (!doc.lines.some((l) => l.includes(quote))) return `quote not found on one body line of ${docId}: ${quote}`;
    return null;
  };
  const newestOf = (title) => [...docs.values()].filter((d) => d.title === title).map((d) => d.date).sort().at(-1);

  for (const { lineNo, q } of records) {
    const where = `line ${lineNo} (${q.id ?? 'no id'})`;
    if (typeof q.id !== 'string' || !q.id) errors.push(`${where}: missing id`);
    else if (seen.has(q.id)) errors.push(`${where}: duplicate id`);
    else seen.add(q.id);
    if (!TYPES.includes(q.type)) errors.push(`${where}: unknown type ${q.type}`);
    if (q.split !== 'dev' && q.split !== 'test') errors.push(`${where}: split must be dev or test`);
    if (typeof q.question !== 'string' || !q.question.trim()) errors.push(`${where}: empty question`);
    if (!Array.isArray(q.history)) errors.push(`${where}: history must be an array`);
    else {
      for (const turn of q.history) {
        if (!['user', 'assistant'].includes(turn?.role) || typeof turn?.content !== 'string' || !turn.content.trim()) {
          errors.push(`${where}: bad history turn ${JSON.stringify(turn)}`);
        }
      }
      if (q.type === 'followup' && (q.history.length < 2 || q.history[0].role !== 'user' || q.history.at(-1).role !== 'assistant')) {
        errors.push(`${where}: followup needs a user turn then an assistant turn in history`);
      }
    }
    for (const key of ['documents', 'evidence', 'facts']) {
      if (!Array.isArray(q[key])) errors.push(`${where}: ${key} must be an array`);
    }
    if (!Array.isArray(q.documents) || !Array.isArray(q.evidence) || !Array.isArray(q.facts)) continue;

    if (q.type === 'out_of_corpus' || q.answerable === false) {
      if (q.type !== 'out_of_corpus' || q.answerable !== false) errors.push(`${where}: out_of_corpus and answerable:false go together`);
      if (q.documents.length || q.evidence.length || q.facts.length) errors.push(`${where}: out_of_corpus must have empty documents, evidence and facts`);
      continue;
    }
    if (q.answerable !== true) errors.push(`${where}: answerable must be true`);
    if (!q.documents.length) errors.push(`${where}: no documents`);
    if (!q.evidence.length) errors.push(`${where}: no evidence`);
    if (q.facts.length < 1 || q.facts.length > 4) errors.push(`${where}: needs 1 to 4 facts, has ${q.facts.length}`);
    for (const d of q.documents) if (!docs.has(d)) errors.push(`${where}: document ${d} does not map to a corpus file`);
    for (const d of q.documents) if (excluded.has(d)) errors.push(`${where}: document ${d} is in the excluded list (used by the earlier set)`);
    for (const old of q.superseded ?? []) if (excluded.has(old.document)) errors.push(`${where}: superseded document ${old.document} is in the excluded list`);
    for (const ev of q.evidence) {
      if (!q.documents.includes(ev.document)) errors.push(`${where}: evidence document ${ev.document} not listed in documents`);
      const problem = quoteProblem(ev.document, ev.quote);
      if (problem) errors.push(`${where}: ${problem}`);
    }
    for (const d of q.documents) {
      if (!q.evidence.some((ev) => ev.document === d)) errors.push(`${where}: document ${d} has no evidence quote`);
    }
    for (const fact of q.facts) {
      if (typeof fact !== 'string' || !fact) errors.push(`${where}: empty fact`);
      else if (!q.evidence.some((ev) => typeof ev.quote === 'string' && ev.quote.includes(fact))) {
        errors.push(`${where}: fact "${fact}" is not a substring of any of its quotes`);
      }
    }
    if (q.type === 'version') {
      if (!Array.isArray(q.superseded) || !q.superseded.length) errors.push(`${where}: version question needs superseded quotes`);
      for (const ev of q.evidence) {
        const doc = docs.get(ev.document);
        if (doc && doc.date !== newestOf(doc.title)) errors.push(`${where}: gold ${ev.document} is not the newest version of ${doc.title}`);
      }
      for (const old of q.superseded ?? []) {
        const problem = quoteProblem(old.document, old.quote);
        if (problem) errors.push(`${where}: superseded ${problem}`);
        const oldDoc = docs.get(old.document);
        const goldDoc = docs.get(q.evidence[0]?.document);
        if (oldDoc && goldDoc && (oldDoc.title !== goldDoc.title || oldDoc.date >= goldDoc.date)) {
          errors.push(`${where}: superseded ${old.document} is not an older version of ${goldDoc.name}`);
        }
        if (q.evidence.some((ev) => ev.quote === old.quote)) errors.push(`${where}: superseded quote equals a gold quote`);
      }
    } else if (q.superseded !== undefined) {
      errors.push(`${where}: only version questions carry superseded`);
    }
  }

  // A question names a regulation when it contains the title of one of its documents (or of any corpus file).
  const titles = [...new Set([...docs.values()].map((d) => d.title))].filter((t) => t.length >= 4);
  const naming = records.filter(({ q }) => typeof q.question === 'string' && titles.some((t) => q.question.includes(t)));
  if (naming.length > MAX_TITLE_NAMED) errors.push(`${naming.length} questions name a regulation's title, at most ${MAX_TITLE_NAMED} allowed`);

  const counts = {};
  for (const t of TYPES) counts[t] = { dev: 0, test: 0 };
  for (const { q } of records) if (counts[q.type] && (q.split === 'dev' || q.split === 'test')) counts[q.type][q.split] += 1;
  const distinct = new Set(records.flatMap(({ q }) => (Array.isArray(q.documents) ? q.documents : [])));

  for (const t of TYPES) {
    const n = counts[t].dev + counts[t].test;
    if (n !== EXPECTED[t]) errors.push(`type ${t}: ${n} questions, exactly ${EXPECTED[t]} required`);
    if (!counts[t].dev || !counts[t].test) errors.push(`type ${t}: needs both dev and test questions`);
  }
  if (records.length !== EXPECTED_TOTAL) errors.push(`${records.length} questions, exactly ${EXPECTED_TOTAL} required`);
  // Splits alternate inside each type: odd positions dev, even positions test.
  const position = {};
  for (const { q } of records) {
    if (!counts[q.type]) continue;
    position[q.type] = (position[q.type] ?? 0) + 1;
    const want = position[q.type] % 2 === 1 ? 'dev' : 'test';
    if (q.split !== want) errors.push(`${q.id}: item ${position[q.type]} of type ${q.type} should be ${want}, is ${q.split}`);
  }
  if (distinct.size < MIN_DOCUMENTS) errors.push(`${distinct.size} distinct documents, at least ${MIN_DOCUMENTS} required`);

  console.log(`questions: ${questionsFile}`);
  console.log(`corpus:    ${corpusDir} (${docs.size} files)`);
  console.log('type            dev  test  total');
  let dev = 0;
  let test = 0;
  for (const t of TYPES) {
    dev += counts[t].dev;
    test += counts[t].test;
    console.log(`${t.padEnd(14)} ${String(counts[t].dev).padStart(4)} ${String(counts[t].test).padStart(5)} ${String(counts[t].dev + counts[t].test).padStart(6)}`);
  }
  console.log(`${'all'.padEnd(14)} ${String(dev).padStart(4)} ${String(test).padStart(5)} ${String(dev + test).padStart(6)}`);
  console.log(`distinct documents: ${distinct.size}`);
  console.log(`questions naming a regulation's title: ${naming.length}`);
  if (errors.length) {
    console.error(`\n${errors.length} problem(s):`);
    for (const e of errors) console.error(`- ${e}`);
    process.exit(1);
  }
  console.log('OK');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();

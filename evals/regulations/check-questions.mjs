#!/usr/bin/env node
// Checks evals/regulations/questions.jsonl against the regulations corpus.
// Usage: node evals/regulations/check-questions.mjs [--corpus DIR] [--questions FILE]
// Default corpus: evals/corpora/regulations (a copy of the shared real-regulations corpus).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');

export function argValue(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export const TYPES = ['factual', 'who', 'list', 'multipart', 'everyday', 'version', 'followup', 'out_of_corpus'];
const MINIMUM = { factual: 50, who: 15, list: 30, multipart: 15, everyday: 30, version: 8, followup: 8, out_of_corpus: 24 };
const MIN_TOTAL = 180;
const MIN_DOCUMENTS = 100;
const MARKER = '<!-- INFO END -->';

/** The regulations corpus folder the checkers default to. */
export const defaultCorpus = path.join(repoRoot, 'evals', 'corpora', 'regulations');

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

/**
 * Checks a regulation question set: every line and question (the rules every set of this kind
 * follows), both splits of each type, then the set's own rules on its counts (`checkCounts`) and
 * anything else (`checkSet`, which returns lines for the summary). Prints the counts; exits 1 on any
 * problem.
 */
export function checkQuestionSet({ corpusDir, questionsFile, checkCounts, checkSet = () => [] }) {
  const docs = loadCorpus(corpusDir);
  const errors = [];
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

  const counts = {};
  for (const t of TYPES) counts[t] = { dev: 0, test: 0 };
  for (const { q } of records) if (counts[q.type] && (q.split === 'dev' || q.split === 'test')) counts[q.type][q.split] += 1;
  const distinct = new Set(records.flatMap(({ q }) => (Array.isArray(q.documents) ? q.documents : [])));

  for (const t of TYPES) if (!counts[t].dev || !counts[t].test) errors.push(`type ${t}: needs both dev and test questions`);
  checkCounts({ counts, records, distinct, errors });
  const notes = checkSet({ records, docs, errors });

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
  for (const note of notes) console.log(note);
  if (errors.length) {
    console.error(`\n${errors.length} problem(s):`);
    for (const e of errors) console.error(`- ${e}`);
    process.exit(1);
  }
  console.log('OK');
}

function main() {
  checkQuestionSet({
    corpusDir: path.resolve(argValue('--corpus') ?? defaultCorpus),
    questionsFile: path.resolve(argValue('--questions') ?? path.join(here, 'questions.jsonl')),
    checkCounts: ({ counts, records, distinct, errors }) => {
      for (const t of TYPES) {
        const n = counts[t].dev + counts[t].test;
        if (n < MINIMUM[t]) errors.push(`type ${t}: ${n} questions, at least ${MINIMUM[t]} required`);
      }
      if (records.length < MIN_TOTAL) errors.push(`${records.length} questions, at least ${MIN_TOTAL} required`);
      if (distinct.size < MIN_DOCUMENTS) errors.push(`${distinct.size} distinct documents, at least ${MIN_DOCUMENTS} required`);
    },
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();

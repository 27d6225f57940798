#!/usr/bin/env node
// Checks evals/regulations-c/questions.jsonl against the regulations corpus: every rule of the first
// regulation set's checker (evals/regulations/check-questions.mjs, whose checks it runs), plus this
// set's own: exact counts per type, splits drawn by a seeded hash inside each type, no document that
// either earlier regulation set cites, and few questions naming a regulation's title.
// Usage: node evals/regulations-c/check-questions.mjs [--corpus DIR] [--questions FILE] [--excluded FILE]
// Default corpus: evals/corpora/regulations (a copy of the shared real-regulations corpus).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TYPES, argValue, checkQuestionSet, defaultCorpus } from '../regulations/check-questions.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

// Exact counts per type (the set's specification), not minimums.
const EXPECTED = { factual: 30, who: 12, list: 15, multipart: 8, everyday: 20, version: 5, followup: 8, out_of_corpus: 12 };
const EXPECTED_TOTAL = 110;
const MIN_DOCUMENTS = 60;
const MAX_TITLE_NAMED = 5;
// The earlier sets whose documents this one must not cite (paths from this folder).
const EARLIER_SETS = ['../regulations/questions.jsonl', '../regulations-b/questions.jsonl'];
// Splits: inside each type, questions ordered by SHA-256 of SPLIT_SEED + id; the first half
// (rounded up) is dev, the rest test.
const SPLIT_SEED = 'regulations-c/split:';

function loadExcluded(file) {
  if (!fs.existsSync(file)) throw new Error(`excluded-documents list not found: ${file}`);
  return new Set(fs.readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean));
}

/** Every document id an earlier set cites (documents, evidence and superseded). */
function citedBy(file) {
  const ids = new Set();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const q = JSON.parse(line);
    for (const d of q.documents ?? []) ids.add(d);
    for (const e of [...(q.evidence ?? []), ...(q.superseded ?? [])]) ids.add(e.document);
  }
  return ids;
}

/** The split each question should have: the seeded draw described above. */
export function drawSplits(records) {
  const want = new Map();
  const rank = (id) => crypto.createHash('sha256').update(SPLIT_SEED + id).digest('hex');
  for (const t of TYPES) {
    const group = records.filter((q) => q.type === t && typeof q.id === 'string').sort((a, b) => (rank(a.id) < rank(b.id) ? -1 : 1));
    const dev = Math.ceil(group.length / 2);
    group.forEach((q, i) => want.set(q.id, i < dev ? 'dev' : 'test'));
  }
  return want;
}

function main() {
  const excluded = loadExcluded(path.resolve(argValue('--excluded') ?? path.join(here, 'excluded-documents.txt')));
  checkQuestionSet({
    corpusDir: path.resolve(argValue('--corpus') ?? defaultCorpus),
    questionsFile: path.resolve(argValue('--questions') ?? path.join(here, 'questions.jsonl')),
    checkCounts: ({ counts, records, distinct, errors }) => {
      for (const t of TYPES) {
        const n = counts[t].dev + counts[t].test;
        if (n !== EXPECTED[t]) errors.push(`type ${t}: ${n} questions, exactly ${EXPECTED[t]} required`);
      }
      if (records.length !== EXPECTED_TOTAL) errors.push(`${records.length} questions, exactly ${EXPECTED_TOTAL} required`);
      const want = drawSplits(records.map(({ q }) => q));
      for (const { q } of records) {
        if (want.has(q.id) && q.split !== want.get(q.id)) errors.push(`${q.id}: the seeded draw makes it ${want.get(q.id)}, it is ${q.split}`);
      }
      if (distinct.size < MIN_DOCUMENTS) errors.push(`${distinct.size} distinct documents, at least ${MIN_DOCUMENTS} required`);
    },
    checkSet: ({ records, docs, errors }) => {
      for (const id of excluded) if (!docs.has(id)) errors.push(`excluded-documents.txt: ${id} does not map to a corpus file`);
      // The list must hold every document the earlier sets cite (when their files are present).
      for (const rel of EARLIER_SETS) {
        const file = path.join(here, rel);
        if (!fs.existsSync(file)) continue;
        for (const id of citedBy(file)) if (!excluded.has(id)) errors.push(`excluded-documents.txt: misses ${id}, cited by ${rel}`);
      }
      for (const { lineNo, q } of records) {
        const where = `line ${lineNo} (${q.id ?? 'no id'})`;
        for (const d of Array.isArray(q.documents) ? q.documents : []) if (excluded.has(d)) errors.push(`${where}: document ${d} is in the excluded list (cited by an earlier set)`);
        for (const old of q.superseded ?? []) if (excluded.has(old.document)) errors.push(`${where}: superseded document ${old.document} is in the excluded list`);
      }
      // A question names a regulation when it contains the title of any corpus file.
      const titles = [...new Set([...docs.values()].map((d) => d.title))].filter((t) => t.length >= 4);
      const naming = records.filter(({ q }) => typeof q.question === 'string' && titles.some((t) => q.question.includes(t)));
      if (naming.length > MAX_TITLE_NAMED) errors.push(`${naming.length} questions name a regulation's title, at most ${MAX_TITLE_NAMED} allowed`);
      return [`questions naming a regulation's title: ${naming.length}`, `excluded documents: ${excluded.size}`];
    },
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();

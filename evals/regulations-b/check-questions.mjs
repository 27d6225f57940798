#!/usr/bin/env node
// Checks evals/regulations-b/questions.jsonl against the regulations corpus: every rule of the first
// regulation set's checker (evals/regulations/check-questions.mjs, whose checks it runs), plus this
// set's own: exact counts per type, splits alternating inside each type, no document the first set
// uses, and few questions naming a regulation's title.
// Usage: node evals/regulations-b/check-questions.mjs [--corpus DIR] [--questions FILE] [--excluded FILE]
// Default corpus: evals/corpora/regulations (a copy of the shared real-regulations corpus).
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

function loadExcluded(file) {
  if (!fs.existsSync(file)) throw new Error(`excluded-documents list not found: ${file}`);
  return new Set(fs.readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean));
}

function main() {
  // Document ids the earlier regulations set already uses; this set must not cite any of them.
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
      // Splits alternate inside each type: odd positions dev, even positions test.
      const position = {};
      for (const { q } of records) {
        if (!counts[q.type]) continue;
        position[q.type] = (position[q.type] ?? 0) + 1;
        const want = position[q.type] % 2 === 1 ? 'dev' : 'test';
        if (q.split !== want) errors.push(`${q.id}: item ${position[q.type]} of type ${q.type} should be ${want}, is ${q.split}`);
      }
      if (distinct.size < MIN_DOCUMENTS) errors.push(`${distinct.size} distinct documents, at least ${MIN_DOCUMENTS} required`);
    },
    checkSet: ({ records, docs, errors }) => {
      for (const id of excluded) if (!docs.has(id)) errors.push(`excluded-documents.txt: ${id} does not map to a corpus file`);
      for (const { lineNo, q } of records) {
        const where = `line ${lineNo} (${q.id ?? 'no id'})`;
        for (const d of Array.isArray(q.documents) ? q.documents : []) if (excluded.has(d)) errors.push(`${where}: document ${d} is in the excluded list (used by the earlier set)`);
        for (const old of q.superseded ?? []) if (excluded.has(old.document)) errors.push(`${where}: superseded document ${old.document} is in the excluded list`);
      }
      // A question names a regulation when it contains the title of one of its documents (or of any corpus file).
      const titles = [...new Set([...docs.values()].map((d) => d.title))].filter((t) => t.length >= 4);
      const naming = records.filter(({ q }) => typeof q.question === 'string' && titles.some((t) => q.question.includes(t)));
      if (naming.length > MAX_TITLE_NAMED) errors.push(`${naming.length} questions name a regulation's title, at most ${MAX_TITLE_NAMED} allowed`);
      return [`questions naming a regulation's title: ${naming.length}`];
    },
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();

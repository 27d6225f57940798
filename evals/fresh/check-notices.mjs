#!/usr/bin/env node
// Verifies evals/fresh/notices-questions.jsonl against the notices in evals/fresh/notices/.
// Plain Node, no dependencies. Usage: node evals/fresh/check-notices.mjs
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const noticesDir = join(here, "notices");
const questionsPath = join(here, "notices-questions.jsonl");

const KEYS = ["id", "question", "document", "answer", "facts"];
const MIN_ANSWER = 10;
const MAX_ANSWER = 120;
const MIN_PER_NOTICE = 3;
const MIN_NOTICE_CHARS = 1000;
const MAX_NOTICE_CHARS = 2500;

const errors = [];
const err = (msg) => errors.push(msg);
const len = (s) => [...s].length; // count code points, not UTF-16 units

// Notices
const noticeFiles = readdirSync(noticesDir).filter((f) => f.endsWith(".txt")).sort();
const otherFiles = readdirSync(noticesDir).filter((f) => !f.endsWith(".txt"));
if (otherFiles.length) err(`notices/ contains non-.txt files (they would be ingested): ${otherFiles.join(", ")}`);
const notices = new Map();
for (const f of noticeFiles) {
  const text = readFileSync(join(noticesDir, f), "utf8");
  const n = len(text);
  if (n < MIN_NOTICE_CHARS || n > MAX_NOTICE_CHARS) err(`${f}: ${n} characters, expected ${MIN_NOTICE_CHARS}-${MAX_NOTICE_CHARS}`);
  notices.set(f.replace(/\.txt$/, ""), text.split(/\r?\n/));
}

// Questions
const raw = readFileSync(questionsPath, "utf8");
const lines = raw.split("\n");
if (lines[lines.length - 1] === "") lines.pop();
const ids = new Set();
const perNotice = new Map();
let count = 0;

lines.forEach((line, i) => {
  const where = `line ${i + 1}`;
  if (!line.trim()) return err(`${where}: empty line`);
  let q;
  try {
    q = JSON.parse(line);
  } catch (e) {
    return err(`${where}: invalid JSON (${e.message})`);
  }
  count++;
  if (q === null || typeof q !== "object" || Array.isArray(q)) return err(`${where}: not a JSON object`);
  const keys = Object.keys(q);
  if (keys.join(",") !== KEYS.join(",")) err(`${where}: keys must be exactly ${KEYS.join(",")} in that order, got ${keys.join(",")}`);
  const label = `${where} (${q.id})`;

  if (typeof q.id !== "string" || !/^m-\d{3}$/.test(q.id)) err(`${label}: id must look like m-001`);
  else if (ids.has(q.id)) err(`${label}: duplicate id`);
  else ids.add(q.id);

  if (typeof q.question !== "string" || !q.question.trim()) err(`${label}: question must be a non-empty string`);

  if (typeof q.document !== "string") return err(`${label}: document must be a string`);
  const docLines = notices.get(q.document);
  if (!docLines || !existsSync(join(noticesDir, `${q.document}.txt`))) return err(`${label}: document file notices/${q.document}.txt does not exist`);
  perNotice.set(q.document, (perNotice.get(q.document) || 0) + 1);

  if (typeof q.answer !== "string") return err(`${label}: answer must be a string`);
  if (/[\r\n]/.test(q.answer)) err(`${label}: answer must be a single line`);
  const n = len(q.answer);
  if (n < MIN_ANSWER || n > MAX_ANSWER) err(`${label}: answer has ${n} characters, expected ${MIN_ANSWER}-${MAX_ANSWER}`);
  if (!docLines.some((l) => l.includes(q.answer))) err(`${label}: answer not found verbatim within one line of ${q.document}.txt: ${q.answer}`);

  if (!Array.isArray(q.facts) || q.facts.length < 1 || q.facts.length > 3) err(`${label}: facts must be an array of 1-3 strings`);
  else
    q.facts.forEach((f) => {
      if (typeof f !== "string" || !f) err(`${label}: fact must be a non-empty string`);
      else if (!q.answer.includes(f)) err(`${label}: fact "${f}" is not a substring of answer`);
    });
});

for (const doc of notices.keys()) {
  const c = perNotice.get(doc) || 0;
  if (c < MIN_PER_NOTICE) err(`${doc}.txt: only ${c} question(s), expected at least ${MIN_PER_NOTICE}`);
}

if (errors.length) {
  console.error(`check-notices: ${errors.length} problem(s)`);
  for (const e of errors) console.error(`  - ${e}`);
  process.exit(1);
}
console.log(`check-notices: OK — ${noticeFiles.length} notices, ${count} questions, ${ids.size} unique ids, every notice has >= ${MIN_PER_NOTICE} questions`);

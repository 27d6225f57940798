#!/usr/bin/env node
// Verifies evals/fresh/notices-q-questions.jsonl against evals/fresh/notices-q/*.txt.
// Plain Node, no dependencies. Usage (from repo root): node evals/fresh/check-notices-q.mjs
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const noticesDir = join(here, "notices-q");
const questionsFile = join(here, "notices-q-questions.jsonl");

const MIN_ANSWER = 10;
const MAX_ANSWER = 120;
const MIN_QUESTIONS_PER_NOTICE = 3;
const MIN_NOTICE_CHARS = 800;
const MAX_NOTICE_CHARS = 1800;
const KEYS = ["id", "question", "document", "answer", "facts"];

const errors = [];
const err = (where, msg) => errors.push(`${where}: ${msg}`);
const len = (s) => [...s].length; // count code points, not UTF-16 units

if (!existsSync(noticesDir)) {
  console.error(`missing notices directory ${noticesDir}`);
  process.exit(1);
}
if (!existsSync(questionsFile)) {
  console.error(`missing questions file ${questionsFile}`);
  process.exit(1);
}

// Load notices.
const notices = new Map();
for (const name of readdirSync(noticesDir).sort()) {
  if (!name.endsWith(".txt")) continue;
  const doc = name.slice(0, -4);
  const text = readFileSync(join(noticesDir, name), "utf8");
  notices.set(doc, text);
  if (!/^q\d{3}$/.test(doc)) err(name, "notice file name should look like q001.txt");
  const n = len(text);
  if (n < MIN_NOTICE_CHARS || n > MAX_NOTICE_CHARS)
    err(name, `notice length ${n} outside ${MIN_NOTICE_CHARS}-${MAX_NOTICE_CHARS} characters`);
  if (text.includes("\uFFFD")) err(name, "contains U+FFFD replacement character (bad UTF-8?)");
}

// Check questions.
const raw = readFileSync(questionsFile, "utf8");
const lines = raw.split("\n");
if (lines.length && lines[lines.length - 1] === "") lines.pop();
const ids = new Set();
const perDoc = new Map();
let count = 0;

lines.forEach((line, i) => {
  const where = `line ${i + 1}`;
  if (line.trim() === "") {
    err(where, "blank line");
    return;
  }
  let q;
  try {
    q = JSON.parse(line);
  } catch (e) {
    err(where, `invalid JSON (${e.message})`);
    return;
  }
  count++;
  if (q === null || typeof q !== "object" || Array.isArray(q)) {
    err(where, "not a JSON object");
    return;
  }
  const keys = Object.keys(q);
  if (keys.join(",") !== KEYS.join(","))
    err(where, `keys must be exactly ${KEYS.join(",")} (got ${keys.join(",")})`);

  const { id, question, document, answer, facts } = q;
  const tag = typeof id === "string" ? `${where} (${id})` : where;

  if (typeof id !== "string" || !/^q-\d{3}$/.test(id)) err(tag, "id must look like q-001");
  else if (ids.has(id)) err(tag, "duplicate id");
  else ids.add(id);

  if (typeof question !== "string" || question.trim().length < 5) err(tag, "question missing or too short");
  else if (/[\r\n]/.test(question)) err(tag, "question contains a line break");

  if (typeof document !== "string" || !notices.has(document)) {
    err(tag, `document "${document}" has no file notices-q/${document}.txt`);
  } else {
    perDoc.set(document, (perDoc.get(document) ?? 0) + 1);
  }

  if (typeof answer !== "string") {
    err(tag, "answer must be a string");
  } else {
    const n = len(answer);
    if (n < MIN_ANSWER || n > MAX_ANSWER) err(tag, `answer length ${n} outside ${MIN_ANSWER}-${MAX_ANSWER}`);
    if (/[\r\n]/.test(answer)) err(tag, "answer spans more than one line");
    if (answer !== answer.trim()) err(tag, "answer has leading/trailing whitespace");
    const text = notices.get(document);
    if (typeof text === "string") {
      const onOneLine = text.split(/\r?\n/).some((l) => l.includes(answer));
      if (!onOneLine) err(tag, `answer not found verbatim within one line of ${document}.txt: "${answer}"`);
    }
  }

  if (!Array.isArray(facts) || facts.length < 1 || facts.length > 3) {
    err(tag, "facts must be an array of 1-3 strings");
  } else {
    facts.forEach((f, k) => {
      if (typeof f !== "string" || f.length === 0) err(tag, `fact ${k} must be a non-empty string`);
      else if (typeof answer === "string" && !answer.includes(f)) err(tag, `fact "${f}" is not a substring of answer`);
    });
    if (new Set(facts).size !== facts.length) err(tag, "duplicate facts");
  }
});

for (const doc of notices.keys()) {
  const n = perDoc.get(doc) ?? 0;
  if (n < MIN_QUESTIONS_PER_NOTICE) err(doc, `only ${n} question(s); need at least ${MIN_QUESTIONS_PER_NOTICE}`);
}

if (errors.length) {
  for (const e of errors) console.error("FAIL " + e);
  console.error(`\n${errors.length} problem(s); ${count} question(s), ${notices.size} notice(s).`);
  process.exit(1);
}
console.log(`OK: ${count} questions, ${ids.size} unique ids, ${notices.size} notices, every notice has >= ${MIN_QUESTIONS_PER_NOTICE} questions.`);

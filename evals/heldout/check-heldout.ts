// Checks the held-out set: every answer is a verbatim, single-line span of its notice, facts lie inside it.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One line of questions.jsonl. */
export interface HeldoutQuestion {
  id: string;
  question: string;
  document: string;
  answer: string;
  facts: string[];
}

const heldoutDirectory = dirname(fileURLToPath(import.meta.url));
const noticesDirectory = join(heldoutDirectory, 'notices');

/** Returns one message per problem found; an empty list means the set is sound. */
export function findHeldoutProblems(): string[] {
  const problems: string[] = [];
  const notices = new Map<string, string>();
  for (const file of readdirSync(noticesDirectory).filter((name) => name.endsWith('.txt')).sort()) {
    const text = readFileSync(join(noticesDirectory, file), 'utf8');
    const length = [...text].length;
    if (length < 800 || length > 2500) problems.push(`${file}: ${length} characters, expected 800–2500`);
    notices.set(file.replace(/\.txt$/, ''), text);
  }

  const lines = readFileSync(join(heldoutDirectory, 'questions.jsonl'), 'utf8').split('\n').filter(Boolean);
  const seenIds = new Set<string>();
  const perDocument = new Map<string, number>();
  lines.forEach((line, index) => {
    const where = `questions.jsonl line ${index + 1}`;
    let question: HeldoutQuestion;
    try {
      question = JSON.parse(line) as HeldoutQuestion;
    } catch {
      problems.push(`${where}: not valid JSON`);
      return;
    }
    if (!/^h\d{3}$/.test(question.id) || seenIds.has(question.id)) problems.push(`${where}: bad or repeated id ${question.id}`);
    seenIds.add(question.id);
    const text = notices.get(question.document);
    if (text === undefined) {
      problems.push(`${where}: unknown document ${question.document}`);
      return;
    }
    perDocument.set(question.document, (perDocument.get(question.document) ?? 0) + 1);
    const answerLength = [...question.answer].length;
    if (answerLength < 10 || answerLength > 120) problems.push(`${where}: answer is ${answerLength} characters, expected 10–120`);
    if (/[\r\n]/.test(question.answer)) problems.push(`${where}: answer spans a line break`);
    if (!text.includes(question.answer)) problems.push(`${where}: answer not found verbatim in ${question.document}`);
    if (!Array.isArray(question.facts) || question.facts.length === 0) problems.push(`${where}: no facts`);
    for (const fact of question.facts ?? []) {
      if (!question.answer.includes(fact)) problems.push(`${where}: fact "${fact}" is not inside the answer`);
    }
  });
  for (const id of notices.keys()) {
    if (!perDocument.has(id)) problems.push(`${id}: no questions`);
  }
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const problems = findHeldoutProblems();
  const questionCount = readFileSync(join(heldoutDirectory, 'questions.jsonl'), 'utf8').split('\n').filter(Boolean).length;
  const noticeCount = readdirSync(noticesDirectory).filter((name) => name.endsWith('.txt')).length;
  for (const problem of problems) console.error(problem);
  console.log(`${noticeCount} notices, ${questionCount} questions, ${problems.length} problems`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}

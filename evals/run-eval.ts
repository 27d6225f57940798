// `npm run eval [-- --dataset FILE --corpus DIR --url URL --k N --systems a,b]`: the product and its
// baselines over one question set, reported as evals/reports/<timestamp>.{json,md,html}.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { createProgressBar } from '../scripts/progress-bar.js';
import { config } from '../server/config.js';
import { openHttpTarget, openInProcessTarget, type EvalTarget } from './eval-target.js';
import { judgeRun } from './llm-judge.js';
import { loadDataset } from './load-dataset.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';
import { formatValue, mainTableParts, shownColumns } from './report-format.js';
import { runEvaluation, systemIds, type EvalRun, type SystemId } from './run-evaluation.js';

const usage = `usage: npm run eval -- [options]
  --dataset FILE   questions (JSONL, policy-qa or held-out format)   default evals/datasets/policy-qa.jsonl
  --corpus DIR     corpus to ingest for the in-process run           default CORPUS_DIR (corpus)
  --url URL        evaluate a running server instead (POST /api/search, /api/chat)
  --k N            retrieval depth for every system                  default 10
  --systems LIST   comma-separated: ${systemIds.join(',')}           default all
  --limit N        only the first N questions
  --out DIR        where reports go                                  default evals/reports`;

const { values } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'evals/datasets/policy-qa.jsonl' },
    corpus: { type: 'string' },
    url: { type: 'string' },
    k: { type: 'string', default: '10' },
    systems: { type: 'string' },
    limit: { type: 'string' },
    out: { type: 'string', default: 'evals/reports' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(usage);
  process.exit(0);
}

/** Plain-text main table for the terminal (system labels are ASCII, so padding lines up). */
function textTable(run: EvalRun): string {
  const labelWidth = Math.max(26, ...run.systems.map((system) => system.label.length));
  return mainTableParts
    .map(({ title, groups }) => {
      const columns = shownColumns(run, groups);
      const widths = columns.map((entry) => Math.max(entry.short.length, 6));
      const header = [title.padEnd(labelWidth), ...columns.map((entry, i) => entry.short.padStart(widths[i]))].join('  ');
      const rows = run.systems.map((system) =>
        [system.label.padEnd(labelWidth), ...columns.map((entry, i) => formatValue(run.overall[system.id]?.[entry.key], entry.kind).padStart(widths[i]))].join('  '),
      );
      return [header, '-'.repeat(header.length), ...rows].join('\n');
    })
    .join('\n\n');
}

function parseSystems(list: string | undefined): SystemId[] {
  if (!list) return [...systemIds];
  const requested = list.split(',').map((entry) => entry.trim()).filter(Boolean);
  const unknown = requested.filter((entry) => !(systemIds as readonly string[]).includes(entry));
  if (unknown.length > 0) throw new Error(`unknown system(s) ${unknown.join(', ')}; choose from ${systemIds.join(', ')}`);
  return requested as SystemId[];
}

const bar = createProgressBar();
const notice = (message: string) => {
  bar.end();
  console.error(message);
};

let target: EvalTarget | undefined;
try {
  const settings = config();
  const k = Number(values.k);
  if (!Number.isInteger(k) || k < 1 || k > 50) throw new Error(`--k must be an integer from 1 to 50, got ${values.k}`);
  const systems = parseSystems(values.systems);
  let items = await loadDataset(values.dataset);
  if (values.limit) items = items.slice(0, Math.max(1, Number(values.limit)));

  if (values.url) {
    if (values.corpus) notice('--corpus is ignored with --url: the corpus of the server is evaluated');
    target = await openHttpTarget({ url: values.url, onNotice: notice });
  } else {
    target = await openInProcessTarget({
      corpusDir: values.corpus ?? settings.CORPUS_DIR,
      config: settings,
      onProgress: ({ stage, done, total, detail }) => bar.update(`ingest ${stage}`, done, total, detail),
      onNotice: notice,
    });
  }
  bar.end();

  const run = await runEvaluation({
    items,
    target,
    dataset: values.dataset,
    k,
    systems,
    onProgress: (done, total, detail) => bar.update('eval', done, total, detail),
    onNotice: notice,
  });
  bar.end();
  const judgeNote = await judgeRun({ run, config: settings, onProgress: (done, total, detail) => bar.update('judge', done, total, detail) });
  bar.end();
  run.notes.push(judgeNote);
  // The report's runtime is the whole command: start-up, ingestion, every system, the judge.
  run.durationMs = process.uptime() * 1000;

  await mkdir(values.out, { recursive: true });
  const stamp = run.startedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const base = join(values.out, stamp);
  await writeFile(`${base}.json`, `${JSON.stringify(run)}\n`);
  await writeFile(`${base}.md`, renderMarkdown(run));
  await writeFile(`${base}.html`, renderHtml(run));

  console.log(`\n${run.items.length} questions from ${values.dataset}; ${run.target}; k=${run.k}; dense ${run.dense ? 'on' : 'off'}; product answers: ${run.answerModel}`);
  for (const note of run.notes) console.log(`note: ${note}`);
  for (const skip of run.skipped) console.log(`skipped ${skip.id}: ${skip.reason}`);
  console.log(`\n${textTable(run)}\n`);
  console.log(`reports: ${relative(process.cwd(), base)}.{json,md,html} (${(run.durationMs / 1000).toFixed(1)} s)`);
} catch (error) {
  bar.end();
  console.error(`eval failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await target?.close();
}

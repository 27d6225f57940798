// `npm run eval [-- options]`: the product and its baselines over one question set (or a suite of
// sets), reported as evals/reports/<timestamp>.{json,md,html}; `--compare OLD.json NEW.json` diffs two runs.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { createProgressBar } from '../scripts/progress-bar.js';
import { config, type Config } from '../server/config.js';
import { compareRuns, readStoredRun, storedRun } from './compare-runs.js';
import { openHttpTarget, openInProcessTarget, type EvalTarget } from './eval-target.js';
import { parseFailBelow, failedThresholds, type FailBelow } from './fail-below.js';
import { judgeRun } from './llm-judge.js';
import { loadDataset, type Split } from './load-dataset.js';
import { renderCompareHtml, renderCompareMarkdown } from './render-compare.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';
import { renderSuiteHtml, renderSuiteMarkdown, type SuiteResult } from './render-suite.js';
import { belowReference, formatValue, languages, mainTableParts, partRows, pick, rowLabel, say, shownColumns, tableTitle, type Lang } from './report-format.js';
import { localized, runEvaluation, systemIds, type EvalRun, type SystemId } from './run-evaluation.js';
import { entryStatus, loadSuite, type SuiteEntry } from './suite.js';

const usage = `usage: npm run eval -- [options]
  --dataset FILE      questions (JSONL, policy-qa or held-out format)     default evals/datasets/policy-qa.jsonl
  --corpus DIR        corpus to ingest for the in-process run             default CORPUS_DIR (corpus)
  --suite FILE        run every set a suite lists (e.g. evals/suites/all.json) and write one combined report
  --url URL           evaluate a running server instead (POST /api/search, /api/chat)
  --split S           dev | test | all: which items to run               default all
  --k N               retrieval depth for every system                    default 10
  --systems LIST      comma-separated: ${systemIds.join(',')}   default all
  --limit N           only the first N questions (after --split)
  --synonyms FILE     the synonym file the in-process product reads (SYNONYMS_FILE); an empty file measures it without
  --lang L            zh | en: language of the reports                    default zh
  --fail-below LIST   metric=value[,metric=value] (e.g. factAccuracy=0.85,test.spanInTop5=90%): exit 1 when the product is below
  --out DIR           where reports go                                    default evals/reports
  --compare OLD NEW   compare two JSON reports of this runner instead of running (writes compare-<time>.{md,html})`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    dataset: { type: 'string', default: 'evals/datasets/policy-qa.jsonl' },
    corpus: { type: 'string' },
    suite: { type: 'string' },
    url: { type: 'string' },
    split: { type: 'string', default: 'all' },
    k: { type: 'string', default: '10' },
    systems: { type: 'string' },
    limit: { type: 'string' },
    synonyms: { type: 'string' },
    lang: { type: 'string', default: 'zh' },
    'fail-below': { type: 'string' },
    out: { type: 'string', default: 'evals/reports' },
    compare: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(usage);
  process.exit(0);
}

/** Columns of a terminal table: CJK characters take two cells. */
const displayWidth = (text: string) => [...text].reduce((width, char) => width + (/[\u2e80-\u9fff\uff00-\uffef]/.test(char) ? 2 : 1), 0);
const padEnd = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - displayWidth(text)));
const padStart = (text: string, width: number) => ' '.repeat(Math.max(0, width - displayWidth(text))) + text;

/** The main tables of every split for the terminal (the reports add confidence intervals). */
function textTables(run: EvalRun, lang: Lang): string {
  return run.tables
    .map((table) => {
      const parts = mainTableParts.map((part) => {
        const columns = shownColumns(run, part.groups);
        const rows = partRows(run, part).filter((row) => table.overall[row.key]);
        const labels = rows.map((row) => rowLabel({ lang, run, row, withForm: part.rows === 'answers' }));
        const labelWidth = Math.max(displayWidth(say(lang, part.title)), ...labels.map(displayWidth));
        const cells = rows.map((row) => columns.map((entry) => `${belowReference(table, row, entry) ? '▼ ' : ''}${formatValue(table.overall[row.key]?.[entry.key], entry.kind)}`));
        const widths = columns.map((entry, i) => Math.max(displayWidth(pick(lang, entry.short)), ...cells.map((line) => displayWidth(line[i]))));
        const header = [padEnd(say(lang, part.title), labelWidth), ...columns.map((entry, i) => padStart(pick(lang, entry.short), widths[i]))].join('  ');
        const lines = rows.map((_, r) => [padEnd(labels[r], labelWidth), ...cells[r].map((value, i) => padStart(value, widths[i]))].join('  '));
        return [header, '-'.repeat(displayWidth(header)), ...lines].join('\n');
      });
      return `== ${tableTitle(lang, table, run.tables.length > 1)}${lang === 'zh' ? '（▼ 低于朴素基线）' : ' (▼ below the naive baseline)'}\n\n${parts.join('\n\n')}`;
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
const notice = (message: string) => bar.log(message);
const stampOf = (iso: string) => iso.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');

interface Settings {
  processConfig: Config;
  k: number;
  systems: SystemId[];
  split: Split | 'all';
  lang: Lang;
  failBelow: FailBelow[];
}

function openTarget(corpusDir: string, settings: Settings): Promise<EvalTarget> {
  if (values.url) return openHttpTarget({ url: values.url, onNotice: notice });
  return openInProcessTarget({
    corpusDir,
    config: settings.processConfig,
    synonymsFile: values.synonyms,
    onProgress: ({ stage, done, total, detail }) => bar.update(`ingest ${stage}`, done, total, detail),
    onNotice: notice,
  });
}

/** One dataset against an open target: run, judge, write the three reports; returns the run and the reports' base path. */
async function evaluateSet({
  dataset,
  target,
  settings,
  base,
  wholeCommand = false,
}: {
  dataset: string;
  target: EvalTarget;
  settings: Settings;
  base: (run: EvalRun) => string;
  /** The report's runtime is the whole command (start-up, ingestion, every system, the judge), not only the loop. */
  wholeCommand?: boolean;
}): Promise<{ run: EvalRun; path: string }> {
  const all = await loadDataset(dataset);
  let items = settings.split === 'all' ? all : all.filter((item) => item.split === settings.split);
  if (items.length === 0) throw new Error(`${dataset} has no ${settings.split} items`);
  if (values.limit) items = items.slice(0, Math.max(1, Number(values.limit)));
  const calibrationItems = settings.split === 'test' ? all.filter((item) => item.split === 'dev') : [];
  const run = await runEvaluation({
    items,
    target,
    dataset,
    k: settings.k,
    systems: settings.systems,
    split: settings.split,
    calibrationItems,
    synonymsFile: values.url ? undefined : values.synonyms,
    onProgress: (done, total, detail) => bar.update('eval', done, total, detail),
    onNotice: notice,
  });
  bar.end();
  const judgeNote = await judgeRun({ run, config: settings.processConfig, onProgress: (done, total, detail) => bar.update('judge', done, total, detail) });
  bar.end();
  run.notes.push(localized(judgeNote, judgeNote.startsWith('LLM judge skipped: LLM_BASE_URL') ? '未运行大模型评审：没有设置 LLM_BASE_URL' : judgeNote));
  if (values.url && values.synonyms) run.notes.push(localized('--synonyms is ignored with --url: the server reads its own SYNONYMS_FILE', '使用 --url 时忽略 --synonyms：服务器读取自己的 SYNONYMS_FILE'));
  if (wholeCommand) run.durationMs = process.uptime() * 1000;
  const path = base(run);
  await writeFile(`${path}.json`, `${JSON.stringify(storedRun(run))}\n`);
  await writeFile(`${path}.md`, renderMarkdown(run, settings.lang));
  await writeFile(`${path}.html`, renderHtml(run, settings.lang));
  return { run, path };
}

function printRun(run: EvalRun, path: string, lang: Lang) {
  console.log(`\n${run.items.length} questions from ${run.dataset}; ${run.target}; k=${run.k}; dense ${run.dense ? 'on' : 'off'}; product answers: ${run.answerModel}${run.synonymsFile ? `; synonyms ${run.synonymsFile}` : ''}`);
  for (const note of run.notes) console.log(`note: ${pick(lang, note)}`);
  for (const skip of run.skipped) console.log(`skipped ${skip.id}: ${pick(lang, skip.reason)}`);
  console.log(`\n${textTables(run, lang)}\n`);
  console.log(`reports: ${relative(process.cwd(), path)}.{json,md,html}`);
}

/** Prints every --fail-below threshold the run misses; true when it misses one. */
function reportThresholds(name: string, run: EvalRun, failBelow: FailBelow[]): boolean {
  const failed = failedThresholds(run, failBelow);
  for (const miss of failed) console.error(`fail-below: ${name}: product ${miss.description}`);
  return failed.length > 0;
}

async function compare(outDir: string, lang: Lang) {
  if (positionals.length !== 2) throw new Error('--compare needs two JSON reports: --compare OLD.json NEW.json');
  const [before, after] = await Promise.all(positionals.map(readStoredRun));
  const comparison = compareRuns(before, after);
  await mkdir(outDir, { recursive: true });
  const base = join(outDir, `compare-${stampOf(new Date().toISOString())}`);
  await writeFile(`${base}.md`, renderCompareMarkdown(comparison, lang));
  await writeFile(`${base}.html`, renderCompareHtml(comparison, lang));
  for (const part of comparison.parts) {
    const product = part.rows.find((row) => row.row.key === comparison.system);
    if (!product) continue;
    const flips = Object.values(part.flipCounts).reduce((sum, counts) => ({ down: sum.down + counts.passToFail, up: sum.up + counts.failToPass }), { down: 0, up: 0 });
    const figures = (['spanInTop5', 'documentsInTop5', 'factAccuracy', 'answerPrecision', 'falseRefusalRate', 'refusalRecall'] as const)
      .filter((key) => product.after[key] !== undefined)
      .map((key) => `${key} ${formatValue(product.before[key], 'share')} → ${formatValue(product.after[key], 'share')}`);
    console.log(`${part.splits.join('+')} (${part.questions} questions): ${figures.join(', ')}; flipped pass→fail ${flips.down}, fail→pass ${flips.up}`);
  }
  console.log(`compare report: ${relative(process.cwd(), base)}.{md,html}`);
}

async function runSuite(suitePath: string, settings: Settings, outDir: string): Promise<boolean> {
  const entries = await loadSuite(suitePath);
  const startedAt = new Date().toISOString();
  const stamp = stampOf(startedAt);
  const lastUse = new Map(entries.map((entry, i) => [entry.corpus, i]));
  const targets = new Map<string, EvalTarget>();
  const results: SuiteResult[] = [];
  let failed = false;
  try {
    for (const [i, entry] of entries.entries()) {
      const status = await entryStatus(entry);
      // A set without items in the chosen split (all-dev sets under --split test) is skipped, not an error.
      if (status.ready && settings.split !== 'all' && !(await loadDataset(entry.dataset)).some((item) => item.split === settings.split)) {
        const reason = `no ${settings.split} items`;
        console.log(`skipped ${entry.name}: ${reason}`);
        results.push({ entry, skipped: reason });
      } else if (!status.ready) {
        if (status.fatal) throw new Error(`suite set ${entry.name}: ${status.reason}`);
        console.log(`skipped ${entry.name}: ${status.reason}`);
        results.push({ entry, skipped: status.reason });
      } else {
        console.error(`\n=== ${entry.name}: ${entry.dataset} over ${entry.corpus}`);
        const corpus = values.url ? values.url : entry.corpus;
        if (!targets.has(corpus)) targets.set(corpus, await openTarget(entry.corpus, settings));
        bar.end();
        const { run, path } = await evaluateSet({ dataset: entry.dataset, target: targets.get(corpus)!, settings, base: () => join(outDir, `${stamp}-${entry.name}`) });
        printRun(run, path, settings.lang);
        failed = reportThresholds(entry.name, run, settings.failBelow) || failed;
        results.push({ entry, run, report: relative(outDir, path) });
      }
      // Close a corpus's index once no later set uses it.
      if (lastUse.get(entry.corpus) === i && targets.has(entry.corpus)) {
        await targets.get(entry.corpus)!.close();
        targets.delete(entry.corpus);
      }
    }
  } finally {
    await Promise.all([...targets.values()].map((target) => target.close()));
  }
  const base = join(outDir, `${stamp}-suite`);
  const summary = results.map(({ entry, run, report, skipped }) => ({ name: entry.name, dataset: entry.dataset, corpus: entry.corpus, skipped, report, tables: run?.tables.map(({ splits, questions, answerable, overall, intervals }) => ({ splits, questions, answerable, overall, intervals })) }));
  await writeFile(`${base}.json`, `${JSON.stringify({ suite: suitePath, startedAt, sets: summary })}\n`);
  await writeFile(`${base}.md`, renderSuiteMarkdown({ suite: suitePath, results, lang: settings.lang }));
  await writeFile(`${base}.html`, renderSuiteHtml({ suite: suitePath, results, lang: settings.lang }));
  console.log(`\nsuite report: ${relative(process.cwd(), base)}.{json,md,html} (${(process.uptime()).toFixed(1)} s)`);
  return failed;
}

let target: EvalTarget | undefined;
try {
  const lang = values.lang as Lang;
  if (!languages.includes(lang)) throw new Error(`--lang must be one of ${languages.join(', ')}, got ${values.lang}`);
  if (values.compare) {
    await compare(values.out, lang);
  } else {
    const k = Number(values.k);
    if (!Number.isInteger(k) || k < 1 || k > 50) throw new Error(`--k must be an integer from 1 to 50, got ${values.k}`);
    if (!['dev', 'test', 'all'].includes(values.split)) throw new Error(`--split must be dev, test or all, got ${values.split}`);
    if (positionals.length > 0) throw new Error(`unexpected argument(s) ${positionals.join(' ')} (see --help)`);
    const settings: Settings = { processConfig: config(), k, systems: parseSystems(values.systems), split: values.split as Split | 'all', lang, failBelow: parseFailBelow(values['fail-below']) };
    await mkdir(values.out, { recursive: true });
    if (values.suite) {
      if (await runSuite(values.suite, settings, values.out)) process.exitCode = 1;
    } else {
      if (values.url && values.corpus) notice('--corpus is ignored with --url: the corpus of the server is evaluated');
      target = await openTarget(values.corpus ?? settings.processConfig.CORPUS_DIR, settings);
      bar.end();
      const { run, path } = await evaluateSet({ dataset: values.dataset, target, settings, base: (done) => join(values.out, stampOf(done.startedAt)), wholeCommand: true });
      printRun(run, path, lang);
      if (reportThresholds(values.dataset, run, settings.failBelow)) process.exitCode = 1;
    }
  }
} catch (error) {
  bar.end();
  console.error(`eval failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
} finally {
  await target?.close();
}

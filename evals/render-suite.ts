// The combined report of a suite: an overview (product against the naive reference on every set),
// then each set's main tables (test, dev, all). Each set also has its own full report.
import { htmlPage, legendHtml, mainTablesHtml } from './render-html.js';
import { legendMarkdown, mainTables, markdownCell } from './render-markdown.js';
import { column, formatInterval, formatValue, intervalOf, pick, say, settingsLines, tableTitle, type Lang, type MetricKey } from './report-format.js';
import type { EvalRun, MetricTable } from './run-evaluation.js';
import type { SuiteEntry } from './suite.js';
import { escapeXml as escapeHtml } from './svg-charts.js';

/** One set of a suite: its run, or why it did not run; `report` is the base name of its own report files. */
export interface SuiteResult {
  entry: SuiteEntry;
  run?: EvalRun;
  report?: string;
  skipped?: string;
}

/** The overview's metrics: what the product is judged on, each shown as product / naive. */
const overviewMetrics: MetricKey[] = ['spanInTop5', 'documentsInTop5', 'factAccuracy', 'answerPrecision', 'goldClauseRecall', 'falseRefusalRate', 'refusalRecall', 'answerLengthP50'];

/** The table the overview reads: the test split when the set has one, else the whole run. */
const headlineTable = (run: EvalRun): MetricTable => run.tables[0];

interface OverviewCell {
  product: string;
  interval: string;
  naive: string;
  worse: boolean;
}

/** The overview row of a set: its name, what the figures cover, then one cell per overview metric (undefined when it did not run). */
function overviewRow(lang: Lang, result: SuiteResult): { name: string; scope: string; cells?: OverviewCell[] } {
  const { run } = result;
  if (!run) return { name: result.entry.name, scope: result.skipped ?? '' };
  const table = headlineTable(run);
  const cells = overviewMetrics.map((key) => {
    const entry = column(key);
    const product = table.overall.product?.[key];
    const naive = table.overall.naive?.[key];
    const worse = product !== undefined && naive !== undefined && (entry.better === 'higher' ? product < naive : entry.better === 'lower' ? product > naive : false);
    return { product: formatValue(product, entry.kind), interval: formatInterval(intervalOf(table.intervals.product, key), entry.kind), naive: formatValue(naive, entry.kind), worse };
  });
  const scope = table.splits.length > 1 ? (lang === 'zh' ? '全部' : 'all') : table.splits[0];
  return { name: result.entry.name, scope: lang === 'zh' ? `${scope}，${table.questions} 题` : `${scope}, ${table.questions} questions`, cells };
}

function overviewHead(lang: Lang): string[] {
  return [lang === 'zh' ? '题集' : 'Set', lang === 'zh' ? '报告范围' : 'Table', ...overviewMetrics.map((key) => pick(lang, column(key).short))];
}

const overviewIntro = (lang: Lang) =>
  lang === 'zh'
    ? '每格为“产品 / 朴素基线（公平形式）”，产品的 95% 区间在括号内或下方；取测试集（若有），否则取全部题目；▼ 表示产品差于朴素基线。各题集的公平答案长度为该题集运行中产品答案字数的中位数。'
    : 'Each cell is "product / naive baseline (fair form)" with the product\'s 95% interval in brackets or underneath, on the test split when the set has one, else on every question; ▼ marks the product worse than the naive baseline. Each set\'s fair answers are cut to the product\'s median answer length on that set.';

export function renderSuiteMarkdown({ suite, results, lang = 'zh' }: { suite: string; results: SuiteResult[]; lang?: Lang }): string {
  const first = results.find((result) => result.run)?.run;
  const lines = [`# ${say(lang, 'suiteTitle')} — ${suite}`, ''];
  if (first) lines.push(`## ${say(lang, 'legend')}`, '', legendMarkdown(lang, first, { oneRun: false }), '');
  lines.push(`## ${lang === 'zh' ? '总览' : 'Overview'}`, '', overviewIntro(lang), '', `| ${overviewHead(lang).join(' | ')} |`, `|---|---|${overviewMetrics.map(() => '---:').join('|')}|`);
  for (const result of results) {
    const { name, scope, cells = [] } = overviewRow(lang, result);
    const shown = cells.map((cell) => `${cell.worse ? '▼ ' : ''}${cell.product}${cell.interval ? ` (${cell.interval})` : ''} / ${cell.naive}`);
    lines.push(`| ${[name, scope, ...(shown.length > 0 ? shown : overviewMetrics.map(() => ''))].map(markdownCell).join(' | ')} |`);
  }
  lines.push('');
  for (const result of results) {
    lines.push(`## ${markdownCell(result.entry.name)}`, '');
    if (!result.run) {
      lines.push(`${lang === 'zh' ? '未运行' : 'Not run'}: ${markdownCell(result.skipped ?? '')}`, '');
      continue;
    }
    const { run } = result;
    lines.push(...settingsLines(lang, run).slice(0, 3).map(([label, value]) => `- ${label}: ${markdownCell(value)}`));
    if (result.report) lines.push(`- ${lang === 'zh' ? '完整报告' : 'Full report'}: ${markdownCell(result.report)}.{md,html,json}`);
    lines.push('');
    for (const table of run.tables) lines.push(`### ${tableTitle(lang, table, run.tables.length > 1)}`, '', mainTables(run, table, lang), '');
  }
  return lines.join('\n');
}

export function renderSuiteHtml({ suite, results, lang = 'zh' }: { suite: string; results: SuiteResult[]; lang?: Lang }): string {
  const first = results.find((result) => result.run)?.run;
  const head = overviewHead(lang);
  const overview = `<div class="scroll"><table><tr>${head.map((cell, i) => `<th${i > 1 ? ' class="num"' : ''}${i > 1 ? ` title="${escapeHtml(pick(lang, column(overviewMetrics[i - 2]).definition))}"` : ''}>${escapeHtml(cell)}</th>`).join('')}</tr>${results
    .map((result) => {
      const { name, scope, cells } = overviewRow(lang, result);
      if (!cells) return `<tr><td>${escapeHtml(name)}</td><td colspan="${overviewMetrics.length + 1}" class="muted">${escapeHtml(scope)}</td></tr>`;
      return `<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(scope)}</td>${cells
        .map((cell) => `<td class="num${cell.worse ? ' below' : ''}">${cell.worse ? '▼ ' : ''}${escapeHtml(cell.product)} <span class="muted">/ ${escapeHtml(cell.naive)}</span>${cell.interval ? `<span class="ci">${escapeHtml(cell.interval)}</span>` : ''}</td>`)
        .join('')}</tr>`;
    })
    .join('')}</table></div>`;
  const sets = results
    .map((result) => {
      const title = `<h2>${escapeHtml(result.entry.name)}</h2>`;
      if (!result.run) return `${title}<p class="note">${lang === 'zh' ? '未运行' : 'Not run'}: ${escapeHtml(result.skipped ?? '')}</p>`;
      const { run } = result;
      const settings = settingsLines(lang, run)
        .slice(0, 3)
        .map(([label, value]) => `${escapeHtml(label)}：${escapeHtml(value)}`)
        .join('<br>');
      const report = result.report ? `<br>${lang === 'zh' ? '完整报告' : 'Full report'}：${escapeHtml(result.report)}.{md,html,json}` : '';
      return `${title}<div class="meta">${settings}${report}</div>${run.tables.map((table) => `<h3>${escapeHtml(tableTitle(lang, table, run.tables.length > 1))}</h3>${mainTablesHtml(run, table, lang)}`).join('\n')}`;
    })
    .join('\n');
  const body = `<h1>${escapeHtml(say(lang, 'suiteTitle'))} — ${escapeHtml(suite)}</h1>
${first ? legendHtml(lang, first, { oneRun: false }) : ''}
<h2>${lang === 'zh' ? '总览' : 'Overview'}</h2>
<p class="meta">${escapeHtml(overviewIntro(lang))}</p>
${overview}
${sets}`;
  return htmlPage({ lang, title: `${say(lang, 'suiteTitle')} ${suite}`, body });
}

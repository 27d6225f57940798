// The Markdown report: legend and settings, the main tables (test, dev, all), per-type tables and the
// failures of dev items.
import {
  belowReference,
  column,
  devItems,
  failureReasons,
  focusSystem,
  formatInterval,
  formatValue,
  intervalOf,
  legendNotes,
  legendTerm,
  mainTableParts,
  metricColumns,
  partRows,
  perTypeMetrics,
  pick,
  rowLabel,
  say,
  sectionLabel,
  settingsLines,
  shownColumns,
  splitName,
  tableTitle,
  type Lang,
  type MetricColumn,
} from './report-format.js';
import type { AnswerRow, EvalRun, MetricTable } from './run-evaluation.js';

/** Escapes text from the data for Markdown: HTML, table pipes, emphasis and code marks, line breaks. */
export function markdownCell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\|*_`[\]]/g, (char) => `\\${char}`)
    .replace(/\r?\n/g, ' ');
}

/** A value with its interval, "▼" first when the product is worse than the naive reference. */
function cell(table: MetricTable, row: AnswerRow, entry: MetricColumn): string {
  const value = formatValue(table.overall[row.key]?.[entry.key], entry.kind);
  const interval = formatInterval(intervalOf(table.intervals[row.key], entry.key), entry.kind);
  const flag = belowReference(table, row, entry) ? '▼ ' : '';
  return `${flag}${value}${interval ? ` (${interval})` : ''}`;
}

/** The three parts of the main table for one split. */
export function mainTables(run: EvalRun, table: MetricTable, lang: Lang): string {
  return mainTableParts
    .map((part) => {
      const columns = shownColumns(run, part.groups);
      if (columns.length === 0) return '';
      const header = `| ${say(lang, part.title)} | ${columns.map((entry) => pick(lang, entry.short)).join(' | ')} |`;
      const rule = `|---|${columns.map(() => '---:').join('|')}|`;
      const rows = partRows(run, part)
        .filter((row) => table.overall[row.key])
        .map((row) => `| ${markdownCell(rowLabel({ lang, run, row, withForm: part.rows === 'answers' }))} | ${columns.map((entry) => cell(table, row, entry)).join(' | ')} |`);
      return [header, rule, ...rows].join('\n');
    })
    .filter(Boolean)
    .join('\n\n');
}

/** One table per metric: rows down, question types across, for one split. */
function typeTables(run: EvalRun, table: MetricTable, lang: Lang): string {
  const parts: string[] = [];
  const rows = run.rows.filter((row) => row.form !== 'simple');
  for (const key of perTypeMetrics) {
    const entry = column(key);
    const types = table.types.filter((type) => rows.some((row) => table.byType[type]?.[row.key]?.[key] !== undefined));
    if (types.length === 0) continue;
    parts.push(`#### ${pick(lang, entry.label)}\n`);
    parts.push(`| ${say(lang, 'system')} | ${types.map((type) => `${markdownCell(type)} (${table.byType[type]?.[rows[0].key]?.questions ?? 0})`).join(' | ')} |`);
    parts.push(`|---|${types.map(() => '---:').join('|')}|`);
    for (const row of rows) {
      const cells = types.map((type) => {
        const value = formatValue(table.byType[type]?.[row.key]?.[key], entry.kind);
        const interval = formatInterval(intervalOf(table.intervalsByType[type]?.[row.key], key), entry.kind);
        const flag = belowReference({ overall: table.byType[type] ?? {} }, row, entry) ? '▼ ' : '';
        return `${flag}${value}${interval ? ` (${interval})` : ''}`;
      });
      parts.push(`| ${markdownCell(rowLabel({ lang, run, row }))} | ${cells.join(' | ')} |`);
    }
    parts.push('');
  }
  return parts.join('\n');
}

/** The legend: reading notes, then every metric shown. */
export function legendMarkdown(lang: Lang, run: EvalRun, { oneRun = true }: { oneRun?: boolean } = {}): string {
  return [
    ...legendNotes(lang, oneRun ? run : undefined).map((note) => `- ${pick(lang, note)}`),
    ...metricColumns.filter((entry) => shownColumns(run).includes(entry)).map((entry) => `- **${legendTerm(lang, entry)}**：${pick(lang, entry.definition)}`),
  ].join('\n');
}

/** Failures of the focus system on dev items only. */
function failureSection(run: EvalRun, lang: Lang): string {
  const focus = focusSystem(run);
  const dev = devItems(run);
  const testCount = run.items.length - dev.length;
  const zh = lang === 'zh';
  const intro = zh
    ? `只列开发集（dev）题目的失败：${dev.length} 道开发集题目中有 __N__ 道失败。${testCount > 0 ? `${testCount} 道测试集题目的失败不打印、不写出，只报告汇总数字。` : ''}`
    : `Failures of dev items only: __N__ of ${dev.length} dev questions.${testCount > 0 ? ` The ${testCount} test questions' failures are never printed or written, only aggregates.` : ''}`;
  if (!focus) return intro.replace('__N__', '0');
  const failures = dev.filter((entry) => failureReasons(entry, focus, lang).length > 0);
  const header = zh ? '| 编号 | 题型 | 问题 | 标准证据 | 检索结果（前3） | 原因 |' : '| Id | Type | Question | Expected evidence | Top retrieved | Why |';
  const lines = failures.map((entry) => {
    const { item, evidence, results } = entry;
    const result = results[focus];
    const expected = evidence.map((span) => markdownCell(`${span.documentId}: “${span.quote}”`)).join('<br>');
    const top = (result?.retrieved ?? []).slice(0, 3).map((chunk, i) => markdownCell(`${i + 1}. ${chunk.relevant ? '✓ ' : ''}${chunk.documentId} › ${sectionLabel(chunk.section, lang)}`)).join('<br>');
    const earlier = zh ? '（前文）' : '(earlier) ';
    const question = [...item.history.filter((turn) => turn.role === 'user').map((turn) => `${earlier}${turn.content}`), item.question].join(' → ');
    return `| ${markdownCell(item.id)} | ${markdownCell(item.type)} | ${markdownCell(question)} | ${expected} | ${top} | ${markdownCell(failureReasons(entry, focus, lang).join('; '))} |`;
  });
  return [intro.replace('__N__', String(failures.length)), '', ...(failures.length > 0 ? [header, '|---|---|---|---|---|---|', ...lines] : [])].join('\n');
}

export function renderMarkdown(run: EvalRun, lang: Lang = 'zh'): string {
  const both = run.tables.length > 1;
  const perType = run.tables.filter((table) => table.splits.length === 1);
  const heldout = run.types.includes('heldout');
  const lines = [
    `# ${say(lang, 'title')} — ${run.startedAt}`,
    '',
    `## ${say(lang, 'legend')}`,
    '',
    legendMarkdown(lang, run),
    '',
    `## ${say(lang, 'settings')}`,
    '',
    ...settingsLines(lang, run).map(([label, value]) => `- ${label}: ${markdownCell(value)}`),
    ...run.notes.map((note) => `- ${say(lang, 'notes')}: ${markdownCell(pick(lang, note))}`),
    ...run.skipped.map((skip) => `- ${lang === 'zh' ? '未运行' : 'Skipped'} \`${skip.id}\`: ${markdownCell(pick(lang, skip.reason))}`),
    '',
    `## ${say(lang, 'results')}`,
    '',
    heldout
      ? lang === 'zh'
        ? '> 留出集：最关键的检索指标是**前5含证据句**（答案句完整落在前5条中某一条内）；召回率按重叠计算。\n'
        : '> Held-out set: the key retrieval metric is **Span@5** (the answering sentence lies inside one of the top 5 chunks); recall is overlap-based.\n'
      : '',
    ...run.tables.flatMap((table) => [`### ${tableTitle(lang, table, both)}`, '', mainTables(run, table, lang), '']),
    `## ${say(lang, 'systems')}`,
    '',
    ...run.systems.map((system) => `- **${markdownCell(pick(lang, system.label))}** (\`${system.id}\`): ${lang === 'zh' ? '检索' : 'retrieval'} — ${markdownCell(pick(lang, system.retrieval))}; ${lang === 'zh' ? '答案' : 'answers'} — ${markdownCell(pick(lang, system.answers))}.`),
    '',
    `## ${say(lang, 'byType')}`,
    '',
    ...perType.flatMap((table) =>
      table.types.length < 2
        ? [lang === 'zh' ? `${splitName(lang, table.splits[0])}：全部为 ${markdownCell(table.types[0] ?? '')} 题型，见上表。\n` : `${splitName(lang, table.splits[0])}: all questions are of type ${markdownCell(table.types[0] ?? '')}; see the tables above.\n`]
        : [`### ${splitName(lang, table.splits[0])}`, '', typeTables(run, table, lang)],
    ),
    `## ${say(lang, 'failures')}`,
    '',
    failureSection(run, lang),
    '',
  ];
  return lines.join('\n');
}

// The HTML report: one self-contained page (inline CSS and SVG, no scripts) an evaluator can read
// without the code — legend first, then test, dev and all tables with confidence intervals.
import {
  belowReference,
  chartedMetrics,
  column,
  devItems,
  failureReasons,
  focusSystem,
  formatInterval,
  formatValue,
  foundByOthers,
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
  type MetricKey,
} from './report-format.js';
import type { AnswerRow, EvalRun, MetricTable, SystemId } from './run-evaluation.js';
import { escapeXml as escapeHtml, groupedBarChart } from './svg-charts.js';

export const systemColors: Record<SystemId, string> = {
  naive: '#7b8794',
  langchain: '#b8c2cc',
  'char-bm25': '#e8b339',
  lexical: '#4c8bf5',
  dense: '#3fb68b',
  product: '#d64550',
};

export const reportStyles = `
  body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; color: #1f2933; margin: 0; background: #f5f7fa; }
  main { max-width: 1240px; margin: 0 auto; padding: 24px 20px 64px; }
  h1 { font-size: 24px; margin: 0 0 4px; }
  h2 { font-size: 19px; margin: 36px 0 10px; border-bottom: 2px solid #e4e7eb; padding-bottom: 4px; }
  h3 { font-size: 16px; margin: 24px 0 6px; }
  h4 { font-size: 14px; margin: 14px 0 4px; color: #3e4c59; }
  .meta { color: #52606d; font-size: 13px; line-height: 1.6; }
  .note { background: #fffbea; border-left: 4px solid #f0b429; padding: 6px 10px; margin: 6px 0; font-size: 13px; }
  .card { background: #fff; border: 1px solid #e4e7eb; border-radius: 6px; padding: 12px; margin: 12px 0; }
  .legend dl { columns: 2 420px; column-gap: 28px; margin: 6px 0 0; }
  .legend dt { break-after: avoid; } .legend dd { break-inside: avoid; }
  .legend ul { margin: 4px 0 8px 18px; padding: 0; font-size: 13px; line-height: 1.55; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; background: #fff; margin-bottom: 10px; }
  table.failures { table-layout: fixed; }
  th, td { border: 1px solid #e4e7eb; padding: 5px 7px; vertical-align: top; }
  th { background: #f0f4f8; text-align: left; font-weight: 600; }
  th[title] { cursor: help; text-decoration: underline dotted #9aa5b1; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  td.num { white-space: nowrap; }
  .ci { display: block; color: #7b8794; font-size: 11px; font-weight: 400; }
  tr.product td { background: #fff5f5; font-weight: 600; }
  tr.reference td { background: #f3f4f6; }
  td.below { background: #fde2e1 !important; color: #9b1c1c; }
  .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }
  dl { font-size: 13px; line-height: 1.5; } dt { font-weight: 600; margin-top: 6px; } dd { margin-left: 16px; color: #3e4c59; }
  .failures td { font-size: 12.5px; line-height: 1.5; overflow-wrap: anywhere; }
  .answer { white-space: pre-line; }
  .muted { color: #7b8794; } .ok { color: #1f7a4d; font-weight: 600; } .bad { color: #b42318; font-weight: 600; }
  .quote { background: #fff3c4; } .tag { display: inline-block; background: #fde8e8; color: #9b1c1c; border-radius: 3px; padding: 0 4px; margin: 1px 2px 1px 0; }
  .small { font-size: 11.5px; }
  .scroll { overflow-x: auto; }
`;

/** A header cell whose hover title is the metric's definition. */
const headerCell = (lang: Lang, entry: MetricColumn) => `<th class="num" title="${escapeHtml(`${pick(lang, entry.label)}：${pick(lang, entry.definition)}`)}">${escapeHtml(pick(lang, entry.short))}</th>`;

/** A value with its interval underneath; worse than the naive reference is shaded and titled. */
function valueCell({ lang, table, intervals, row, entry }: { lang: Lang; table: Pick<MetricTable, 'overall'>; intervals: MetricTable['intervals']; row: AnswerRow; entry: MetricColumn }): string {
  const value = formatValue(table.overall[row.key]?.[entry.key], entry.kind);
  const interval = formatInterval(intervalOf(intervals[row.key], entry.key), entry.kind);
  const below = belowReference(table, row, entry);
  const flag = below ? '▼ ' : '';
  return `<td class="num${below ? ' below' : ''}"${below ? ` title="${escapeHtml(say(lang, 'below'))}"` : ''}>${flag}${escapeHtml(value)}${interval ? `<span class="ci">${escapeHtml(interval)}</span>` : ''}</td>`;
}

const rowClass = (row: AnswerRow) => (row.system === 'product' ? 'product' : row.system === 'naive' && row.form !== 'simple' ? 'reference' : '');

/** The three parts of the main table for one split. */
export function mainTablesHtml(run: EvalRun, table: MetricTable, lang: Lang): string {
  return mainTableParts
    .map((part) => {
      const columns = shownColumns(run, part.groups);
      if (columns.length === 0) return '';
      const head = `<tr><th>${escapeHtml(say(lang, part.title))}</th>${columns.map((entry) => headerCell(lang, entry)).join('')}</tr>`;
      const rows = partRows(run, part)
        .filter((row) => table.overall[row.key])
        .map(
          (row) =>
            `<tr class="${rowClass(row)}"><td><span class="swatch" style="background:${systemColors[row.system]}"></span>${escapeHtml(rowLabel({ lang, run, row, withForm: part.rows === 'answers' }))}</td>${columns
              .map((entry) => valueCell({ lang, table, intervals: table.intervals, row, entry }))
              .join('')}</tr>`,
        );
      return `<table>${head}${rows.join('')}</table>`;
    })
    .join('\n');
}

function typeTable(run: EvalRun, table: MetricTable, key: MetricKey, lang: Lang): string {
  const entry = column(key);
  const rows = run.rows.filter((row) => row.form !== 'simple');
  const types = table.types.filter((type) => rows.some((row) => table.byType[type]?.[row.key]?.[key] !== undefined));
  if (types.length === 0) return '';
  const count = (type: string) => Object.values(table.byType[type] ?? {})[0]?.questions ?? 0;
  const head = `<tr><th>${escapeHtml(say(lang, 'system'))}</th>${types.map((type) => `<th class="num">${escapeHtml(type)} <span class="muted">(${count(type)})</span></th>`).join('')}</tr>`;
  const body = rows.map(
    (row) =>
      `<tr class="${rowClass(row)}"><td>${escapeHtml(rowLabel({ lang, run, row }))}</td>${types
        .map((type) => valueCell({ lang, table: { overall: table.byType[type] ?? {} }, intervals: table.intervalsByType[type] ?? {}, row, entry }))
        .join('')}</tr>`,
  );
  return `<h4 title="${escapeHtml(pick(lang, entry.definition))}">${escapeHtml(pick(lang, entry.label))}</h4><table>${head}${body.join('')}</table>`;
}

function charts(run: EvalRun, table: MetricTable, lang: Lang): string {
  const rows = run.rows.filter((row) => row.form !== 'simple');
  const series = (values: (row: AnswerRow) => (number | undefined)[]) => rows.map((row) => ({ name: rowLabel({ lang, run, row }), color: systemColors[row.system], values: values(row) }));
  const metrics = chartedMetrics.filter((key) => rows.some((row) => table.overall[row.key]?.[key] !== undefined));
  const zh = lang === 'zh';
  const where = tableTitle(lang, table, run.tables.length > 1);
  const parts = [
    groupedBarChart({
      title: zh ? `主要指标（${where}；倒数排名按 ×100 显示）` : `Key metrics (${where}; MRR shown ×100)`,
      groups: metrics.map((key) => pick(lang, column(key).short)),
      series: series((row) => metrics.map((key) => table.overall[row.key]?.[key])),
    }),
  ];
  if (table.types.length < 2) return parts.map((svg) => `<div class="card">${svg}</div>`).join('\n');
  const answerableTypes = table.types.filter((type) => (Object.values(table.byType[type] ?? {})[0]?.answerable ?? 0) > 0);
  const byType = (key: MetricKey, types: string[]) =>
    groupedBarChart({ title: zh ? `${pick(lang, column(key).label)}，按题型` : `${pick(lang, column(key).label)} by question type`, groups: types, series: series((row) => types.map((type) => table.byType[type]?.[row.key]?.[key])), height: 320 });
  parts.push(byType(run.types.includes('heldout') ? 'spanInTop5' : 'recall5', answerableTypes));
  parts.push(byType('factAccuracy', answerableTypes));
  if (table.types.length > answerableTypes.length) {
    parts.push(
      groupedBarChart({
        title: zh ? '拒答：各题型被拒答的占比（语料外题越高越好，其余越低越好）' : 'Refusals: declined share by question type (high is right for out-of-corpus, low for the rest)',
        groups: table.types,
        series: series((row) => table.types.map((type) => (answerableTypes.includes(type) ? table.byType[type]?.[row.key]?.falseRefusalRate : table.byType[type]?.[row.key]?.refusalRecall))),
        height: 300,
      }),
    );
  }
  return parts.map((svg) => `<div class="card">${svg}</div>`).join('\n');
}

/** An answer's Markdown as readable text: escaped first, then only bold and line breaks rendered. */
export function answerHtml(markdown: string): string {
  const shown = markdown.length > 420 ? `${markdown.slice(0, 420)}…` : markdown;
  return escapeHtml(shown)
    .replace(/\*\*([^*\n]+)\*\*/g, '<b>$1</b>')
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/\n{2,}/g, '\n');
}

const snippet = (text: string) => (text.length > 90 ? `${text.slice(0, 90).trimEnd()}…` : text);
/** Long titles shortened in the retrieved list, where the same title repeats; the full one is in the tooltip. */
const shortTitle = (title: string) => (title.length > 26 ? `${title.slice(0, 24)}…》` : title);

function failureTable(run: EvalRun, lang: Lang): string {
  const zh = lang === 'zh';
  const focus = focusSystem(run);
  const dev = devItems(run);
  const testCount = run.items.length - dev.length;
  const testLine = testCount > 0 ? (zh ? `${testCount} 道测试集题目的失败不打印、不写出，只报告汇总数字。` : `The ${testCount} test questions' failures are never printed or written — only aggregates.`) : '';
  if (!focus) return `<p>${zh ? '没有系统运行。' : 'No system ran.'}</p>`;
  const ids = run.systems.map((system) => system.id);
  const label = (id: SystemId) => pick(lang, run.systems.find((system) => system.id === id)?.label ?? { zh: id, en: id });
  const failing = dev.filter((item) => failureReasons(item, focus, lang).length > 0);
  const intro = zh
    ? `<p class="meta">只列开发集（dev）题目：${dev.length} 道中 ${failing.length} 道失败。${escapeHtml(testLine)}检索结果为${escapeHtml(label(focus))}的前3条（✓ 与标准证据重叠）。</p>`
    : `<p class="meta">Dev items only: ${failing.length} of ${dev.length} fail. ${escapeHtml(testLine)} Retrieved = the top 3 of ${escapeHtml(label(focus))} (✓ overlaps gold evidence).</p>`;
  if (failing.length === 0) return intro;
  const rows = failing.map((entry) => {
    const { item, evidence, superseded } = entry;
    const result = entry.results[focus]!;
    const condensed = result.retrievalQuery && result.retrievalQuery !== item.question ? `<div class="small muted">${zh ? '检索用语' : 'retrieval query'}: ${escapeHtml(result.retrievalQuery)}</div>` : '';
    const history = item.history.map((turn) => `<div class="muted small">${turn.role === 'user' ? '用户' : '助手'}：${escapeHtml(turn.content)}</div>`).join('');
    const older = superseded.map((span) => `<div class="small muted">${zh ? '旧版本' : 'superseded'}: <b>${escapeHtml(span.title)}</b> “${escapeHtml(span.quote)}”</div>`).join('');
    const expected = item.answerable
      ? evidence.map((span) => `<div><b>${escapeHtml(span.title)}</b> › ${escapeHtml(sectionLabel(span.section, lang))}<br><span class="quote">“${escapeHtml(span.quote)}”</span></div>`).join('') +
        `<div class="small muted">${zh ? '关键事实' : 'facts'}: ${escapeHtml(item.facts.join('、'))}</div>${older}`
      : `<div class="muted">${zh ? '语料外问题：应当拒答' : 'out of corpus: should be declined'}</div>`;
    const retrieved =
      result.retrieved
        .slice(0, 3)
        .map(
          (chunk, i) =>
            `<div>${i + 1}. ${chunk.relevant ? '<span class="ok">✓</span>' : '<span class="bad">✗</span>'} <b title="${escapeHtml(chunk.title)}">${escapeHtml(shortTitle(chunk.title))}</b> › ${escapeHtml(sectionLabel(chunk.section, lang))}<br><span class="small muted">${escapeHtml(snippet(chunk.text))}</span></div>`,
        )
        .join('') || `<span class="muted">${zh ? '没有检索结果' : 'nothing retrieved'}</span>`;
    const answer = result.answer.answered
      ? `<div class="answer">${answerHtml(result.answer.answer)}</div><div class="small muted">${result.answer.citations
          .map((citation) => `[${citation.n}] ${escapeHtml(citation.title)} › ${escapeHtml(sectionLabel(citation.section, lang))}`)
          .join('<br>')}</div>`
      : `<div class="muted">${zh ? '拒答' : 'declined'}: ${escapeHtml(result.answer.answer)}</div>`;
    const others = foundByOthers(entry, ids, focus);
    const why = failureReasons(entry, focus, lang)
      .map((reason) => `<span class="tag">${escapeHtml(reason)}</span>`)
      .join(' ');
    const unsupported = result.unsupported.map((sentence) => `<div class="small muted">${zh ? '无支持' : 'unsupported'}: “${escapeHtml(sentence.text)}” (${escapeHtml(sentence.reason ?? '')})</div>`).join('');
    const elsewhere = others.length > 0 ? `<div class="small">${zh ? '这些系统前5条有证据' : 'evidence in top 5 of'}: ${others.map((id) => escapeHtml(label(id))).join(', ')}</div>` : '';
    return `<tr><td class="q"><b>${escapeHtml(item.id)}</b> <span class="muted">${escapeHtml(item.type)}</span>${history}<div>${escapeHtml(item.question)}</div>${condensed}</td><td class="ev">${expected}</td><td class="ret">${retrieved}</td><td class="ans">${answer}</td><td>${why}${unsupported}${elsewhere}</td></tr>`;
  });
  return `${intro}
<table class="failures"><colgroup><col style="width:17%"><col style="width:21%"><col style="width:27%"><col style="width:22%"><col style="width:13%"></colgroup><tr><th>${say(lang, 'question')}</th><th>${say(lang, 'expected')}</th><th>${say(lang, 'retrieved')}</th><th>${say(lang, 'answer')}</th><th>${say(lang, 'why')}</th></tr>${rows.join('')}</table>`;
}

/** The legend card: how to read the report, then every metric shown with its definition. */
export function legendHtml(lang: Lang, run: EvalRun, { oneRun = true }: { oneRun?: boolean } = {}): string {
  const definitions = metricColumns
    .filter((entry) => shownColumns(run).includes(entry))
    .map((entry) => `<dt>${escapeHtml(legendTerm(lang, entry))}</dt><dd>${escapeHtml(pick(lang, entry.definition))}</dd>`)
    .join('');
  return `<section class="card legend"><h2 style="margin-top:0">${escapeHtml(say(lang, 'legend'))}</h2><ul>${legendNotes(lang, oneRun ? run : undefined)
    .map((note) => `<li>${escapeHtml(pick(lang, note))}</li>`)
    .join('')}</ul><dl>${definitions}</dl></section>`;
}

/** The whole page around a body. */
export function htmlPage({ lang, title, body }: { lang: Lang; title: string; body: string }): string {
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${reportStyles}</style>
</head>
<body><main>
${body}
</main></body>
</html>
`;
}

export function renderHtml(run: EvalRun, lang: Lang = 'zh'): string {
  const zh = lang === 'zh';
  const both = run.tables.length > 1;
  const heldout = run.types.includes('heldout')
    ? `<div class="note">${
        zh
          ? '留出集：最关键的检索指标是<b>前5含证据句</b>——答案句必须完整落在前5条中某一条之内；召回率按重叠计算。'
          : 'Held-out set: the key retrieval metric is <b>Span@5</b> — the answering sentence must lie inside one of the top 5 chunks; recall is overlap-based.'
      }</div>`
    : '';
  const perType = run.tables.filter((table) => table.splits.length === 1);
  const body = `<h1>${escapeHtml(say(lang, 'title'))}</h1>
<div class="meta">${settingsLines(lang, run)
    .map(([label, value]) => `${escapeHtml(label)}：${escapeHtml(value)}`)
    .join('<br>')}</div>
${legendHtml(lang, run)}
${run.notes.map((note) => `<div class="note">${escapeHtml(pick(lang, note))}</div>`).join('\n')}
${run.skipped.map((skip) => `<div class="note">${zh ? '未运行' : 'Skipped'} <b>${escapeHtml(skip.id)}</b>: ${escapeHtml(pick(lang, skip.reason))}</div>`).join('\n')}
${heldout}
<h2>${escapeHtml(say(lang, 'results'))}</h2>
${run.tables.map((table) => `<h3>${escapeHtml(tableTitle(lang, table, both))}</h3>\n${mainTablesHtml(run, table, lang)}`).join('\n')}
${run.tables[0] ? charts(run, run.tables[0], lang) : ''}
<h2>${escapeHtml(say(lang, 'systems'))}</h2>
<table><tr><th>${escapeHtml(say(lang, 'system'))}</th><th>${zh ? '检索' : 'Retrieval'}</th><th>${zh ? '答案' : 'Answers'}</th></tr>${run.systems
    .map(
      (system) =>
        `<tr><td><span class="swatch" style="background:${systemColors[system.id]}"></span>${escapeHtml(pick(lang, system.label))} <span class="muted">${escapeHtml(system.id)}</span></td><td>${escapeHtml(pick(lang, system.retrieval))}</td><td>${escapeHtml(pick(lang, system.answers))}</td></tr>`,
    )
    .join('')}</table>
<h2>${escapeHtml(say(lang, 'byType'))}</h2>
${perType
  .map((table) =>
    table.types.length < 2
      ? `<p class="meta">${escapeHtml(splitName(lang, table.splits[0]))}：${zh ? `全部为 ${escapeHtml(table.types[0] ?? '')} 题型，见上表。` : `all questions are of type ${escapeHtml(table.types[0] ?? '')}; see the tables above.`}</p>`
      : `<h3>${escapeHtml(splitName(lang, table.splits[0]))}</h3>${perTypeMetrics.map((key) => typeTable(run, table, key, lang)).join('\n')}`,
  )
  .join('\n')}
<h2>${escapeHtml(say(lang, 'failures'))}</h2>
${failureTable(run, lang)}`;
  return htmlPage({ lang, title: `${say(lang, 'title')} ${run.startedAt}`, body });
}

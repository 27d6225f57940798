// The HTML report: one self-contained page (inline CSS and SVG, no scripts) an evaluator can read without the code.
import {
  chartedMetrics,
  column,
  failureReasons,
  focusSystem,
  formatValue,
  foundByOthers,
  mainTableParts,
  perTypeMetrics,
  sectionLabel,
  shownColumns,
  type MetricKey,
} from './report-format.js';
import type { EvalRun, SystemId } from './run-evaluation.js';
import { escapeXml as escapeHtml, groupedBarChart } from './svg-charts.js';

const systemColors: Record<SystemId, string> = {
  langchain: '#9aa5b1',
  'char-bm25': '#e8b339',
  lexical: '#4c8bf5',
  dense: '#3fb68b',
  product: '#d64550',
};

const styles = `
  body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; color: #1f2933; margin: 0; background: #f5f7fa; }
  main { max-width: 1160px; margin: 0 auto; padding: 24px 20px 64px; }
  h1 { font-size: 24px; margin: 0 0 4px; }
  h2 { font-size: 19px; margin: 36px 0 10px; border-bottom: 2px solid #e4e7eb; padding-bottom: 4px; }
  h3 { font-size: 15px; margin: 20px 0 6px; }
  .meta { color: #52606d; font-size: 13px; line-height: 1.6; }
  .note { background: #fffbea; border-left: 4px solid #f0b429; padding: 6px 10px; margin: 6px 0; font-size: 13px; }
  .card { background: #fff; border: 1px solid #e4e7eb; border-radius: 6px; padding: 12px; margin: 12px 0; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; background: #fff; margin-bottom: 10px; }
  table.failures { table-layout: fixed; }
  th, td { border: 1px solid #e4e7eb; padding: 5px 7px; vertical-align: top; }
  th { background: #f0f4f8; text-align: left; font-weight: 600; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  tr.product td { background: #fff5f5; font-weight: 600; }
  .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }
  dl { font-size: 13px; line-height: 1.5; } dt { font-weight: 600; margin-top: 6px; } dd { margin-left: 16px; color: #3e4c59; }
  .failures td { font-size: 12.5px; line-height: 1.5; }
  .failures td { overflow-wrap: anywhere; }
  .answer { white-space: pre-line; }
  .muted { color: #7b8794; } .ok { color: #1f7a4d; font-weight: 600; } .bad { color: #b42318; font-weight: 600; }
  .quote { background: #fff3c4; } .tag { display: inline-block; background: #fde8e8; color: #9b1c1c; border-radius: 3px; padding: 0 4px; margin: 1px 2px 1px 0; }
  .small { font-size: 11.5px; }
`;

function metricTable(run: EvalRun, title: string, groups: Parameters<typeof shownColumns>[1]): string {
  const columns = shownColumns(run, groups);
  const head = `<tr><th>${escapeHtml(title)}</th>${columns.map((entry) => `<th class="num" title="${escapeHtml(entry.definition)}">${escapeHtml(entry.short)}</th>`).join('')}</tr>`;
  const rows = run.systems.map((system) => {
    const row = run.overall[system.id];
    return `<tr class="${system.id === 'product' ? 'product' : ''}"><td><span class="swatch" style="background:${systemColors[system.id]}"></span>${escapeHtml(system.label)}</td>${columns
      .map((entry) => `<td class="num">${escapeHtml(formatValue(row?.[entry.key], entry.kind))}</td>`)
      .join('')}</tr>`;
  });
  return `<table>${head}${rows.join('')}</table>`;
}

function typeTable(run: EvalRun, key: MetricKey): string {
  const entry = column(key);
  const types = run.types.filter((type) => run.systems.some((system) => run.byType[type]?.[system.id]?.[key] !== undefined));
  if (types.length === 0) return '';
  const count = (type: string) => run.items.filter((item) => item.item.type === type).length;
  const head = `<tr><th>System</th>${types.map((type) => `<th class="num">${escapeHtml(type)} <span class="muted">(${count(type)})</span></th>`).join('')}</tr>`;
  const rows = run.systems.map(
    (system) =>
      `<tr class="${system.id === 'product' ? 'product' : ''}"><td>${escapeHtml(system.label)}</td>${types.map((type) => `<td class="num">${escapeHtml(formatValue(run.byType[type]?.[system.id]?.[key], entry.kind))}</td>`).join('')}</tr>`,
  );
  return `<h3>${escapeHtml(entry.label)}</h3><table>${head}${rows.join('')}</table>`;
}

function charts(run: EvalRun): string {
  const series = (values: (id: SystemId) => (number | undefined)[]) => run.systems.map((system) => ({ name: system.label, color: systemColors[system.id], values: values(system.id) }));
  const metrics = chartedMetrics.filter((key) => run.systems.some((system) => run.overall[system.id]?.[key] !== undefined));
  const parts = [
    groupedBarChart({
      title: 'Key metrics by system (MRR and nDCG shown ×100)',
      groups: metrics.map((key) => column(key).label),
      series: series((id) => metrics.map((key) => run.overall[id]?.[key])),
    }),
  ];
  // With one question type the by-type charts would repeat the chart above.
  if (run.types.length < 2) return parts.map((svg) => `<div class="card">${svg}</div>`).join('\n');
  const answerableTypes = run.types.filter((type) => run.items.some((item) => item.item.type === type && item.item.answerable));
  const byType = (key: MetricKey, title: string, types: string[]) =>
    groupedBarChart({ title, groups: types, series: series((id) => types.map((type) => run.byType[type]?.[id]?.[key])), height: 320 });
  const retrievalKey: MetricKey = run.types.includes('heldout') ? 'spanInTop5' : 'recall5';
  parts.push(byType(retrievalKey, `${column(retrievalKey).label} by question type`, answerableTypes));
  parts.push(byType('factAccuracy', 'Key-fact accuracy by question type', answerableTypes));
  if (run.types.length > answerableTypes.length) {
    const refusalTypes = run.types;
    parts.push(
      groupedBarChart({
        title: 'Refusals: declined share by question type (high is right for out_of_corpus, low for the rest)',
        groups: refusalTypes,
        series: series((id) => refusalTypes.map((type) => (answerableTypes.includes(type) ? run.byType[type]?.[id]?.falseRefusalRate : run.byType[type]?.[id]?.refusalRecall))),
        height: 300,
      }),
    );
  }
  return parts.map((svg) => `<div class="card">${svg}</div>`).join('\n');
}

/** An answer's Markdown as readable text: escaped first, then only bold and line breaks rendered. */
function answerHtml(markdown: string): string {
  const shown = markdown.length > 420 ? `${markdown.slice(0, 420)}…` : markdown;
  return escapeHtml(shown)
    .replace(/\*\*([^*\n]+)\*\*/g, '<b>$1</b>')
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/\n{2,}/g, '\n');
}

const snippet = (text: string) => (text.length > 90 ? `${text.slice(0, 90).trimEnd()}…` : text);
/** Long titles shortened in the retrieved list, where the same title repeats; the full one is in the tooltip. */
const shortTitle = (title: string) => (title.length > 26 ? `${title.slice(0, 24)}…》` : title);

function failureTable(run: EvalRun): string {
  const focus = focusSystem(run);
  if (!focus) return '<p>No system ran.</p>';
  const ids = run.systems.map((system) => system.id);
  const label = (id: SystemId) => run.systems.find((system) => system.id === id)?.label ?? id;
  const failing = run.items.filter((item) => failureReasons(item, focus).length > 0);
  if (failing.length === 0) return `<p>${escapeHtml(label(focus))} has no failures on this set.</p>`;
  const rows = failing.map((entry) => {
    const { item, evidence } = entry;
    const result = entry.results[focus]!;
    const condensed = result.retrievalQuery && result.retrievalQuery !== item.question ? `<div class="small muted">retrieval query: ${escapeHtml(result.retrievalQuery)}</div>` : '';
    const history = item.history.map((turn) => `<div class="muted small">${turn.role === 'user' ? '用户' : '助手'}：${escapeHtml(turn.content)}</div>`).join('');
    const expected = item.answerable
      ? evidence
          .map((span) => `<div><b>${escapeHtml(span.title)}</b> › ${escapeHtml(sectionLabel(span.section))}<br><span class="quote">“${escapeHtml(span.quote)}”</span></div>`)
          .join('') + `<div class="small muted">facts: ${escapeHtml(item.facts.join('、'))}</div>`
      : '<div class="muted">out of corpus: should be declined</div>';
    const retrieved =
      result.retrieved
        .slice(0, 3)
        .map(
          (chunk, i) =>
            `<div>${i + 1}. ${chunk.relevant ? '<span class="ok">✓</span>' : '<span class="bad">✗</span>'} <b title="${escapeHtml(chunk.title)}">${escapeHtml(shortTitle(chunk.title))}</b> › ${escapeHtml(sectionLabel(chunk.section))}<br><span class="small muted">${escapeHtml(snippet(chunk.text))}</span></div>`,
        )
        .join('') || '<span class="muted">nothing retrieved</span>';
    const answer = result.answer.answered
      ? `<div class="answer">${answerHtml(result.answer.answer)}</div><div class="small muted">${result.answer.citations
          .map((citation) => `[${citation.n}] ${escapeHtml(citation.title)} › ${escapeHtml(sectionLabel(citation.section))}`)
          .join('<br>')}</div>`
      : `<div class="muted">declined: ${escapeHtml(result.answer.answer)}</div>`;
    const others = foundByOthers(entry, ids, focus);
    const why = failureReasons(entry, focus).map((reason) => `<span class="tag">${escapeHtml(reason)}</span>`).join(' ');
    const unsupported = result.unsupported.map((sentence) => `<div class="small muted">unsupported: “${escapeHtml(sentence.text)}” (${escapeHtml(sentence.reason ?? '')})</div>`).join('');
    return `<tr><td class="q"><b>${escapeHtml(item.id)}</b> <span class="muted">${escapeHtml(item.type)}</span>${history}<div>${escapeHtml(item.question)}</div>${condensed}</td><td class="ev">${expected}</td><td class="ret">${retrieved}</td><td class="ans">${answer}</td><td>${why}${unsupported}${
      others.length > 0 ? `<div class="small">evidence in top 5 of: ${others.map((id) => escapeHtml(label(id))).join(', ')}</div>` : ''
    }</td></tr>`;
  });
  return `<p class="meta">${failing.length} of ${run.items.length} questions. Retrieved = the top 3 of ${escapeHtml(label(focus))} (✓ overlaps gold evidence).</p>
<table class="failures"><colgroup><col style="width:17%"><col style="width:21%"><col style="width:27%"><col style="width:22%"><col style="width:13%"></colgroup><tr><th>Question</th><th>Expected evidence</th><th>Retrieved (top 3)</th><th>Answer</th><th>Why it fails</th></tr>${rows.join('')}</table>`;
}

export function renderHtml(run: EvalRun): string {
  const answerable = run.items.filter((item) => item.item.answerable).length;
  const definitions = shownColumns(run)
    .map((entry) => `<dt>${escapeHtml(entry.label)} (${escapeHtml(entry.short)})</dt><dd>${escapeHtml(entry.definition)}</dd>`)
    .join('');
  const heldout = run.types.includes('heldout')
    ? '<div class="note">Held-out set: the key retrieval metric is <b>Span in top 5</b> — the sentence that answers must lie inside one of the top 5 chunks. Recall@k is the overlap-based recall.</div>'
    : '';
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`Answer-quality eval ${run.startedAt}`)}</title>
<style>${styles}</style>
</head>
<body><main>
<h1>Answer-quality eval</h1>
<div class="meta">
${escapeHtml(run.startedAt)} · dataset <code>${escapeHtml(run.dataset)}</code> (${run.items.length} questions, ${answerable} answerable, types: ${escapeHtml(run.types.join(', '))})<br>
${escapeHtml(run.target)} · retrieval depth k = ${run.k} · dense retrieval ${run.dense ? 'on' : 'off'} · product answers: ${escapeHtml(run.answerModel)} · runtime ${(run.durationMs / 1000).toFixed(1)} s
</div>
${run.notes.map((note) => `<div class="note">${escapeHtml(note)}</div>`).join('\n')}
${run.skipped.map((skip) => `<div class="note">Skipped <b>${escapeHtml(skip.id)}</b>: ${escapeHtml(skip.reason)}</div>`).join('\n')}
${heldout}
<h2>Results</h2>
${mainTableParts.map(({ title, groups }) => metricTable(run, title, groups)).join('\n')}
${charts(run)}
<h2>Systems</h2>
<table><tr><th>System</th><th>Retrieval</th><th>Answer column</th></tr>${run.systems
    .map((system) => `<tr><td><span class="swatch" style="background:${systemColors[system.id]}"></span>${escapeHtml(system.label)} <span class="muted">${escapeHtml(system.id)}</span></td><td>${escapeHtml(system.retrieval)}</td><td>${escapeHtml(system.answers)}</td></tr>`)
    .join('')}</table>
<h2>By question type</h2>
${run.types.length < 2 ? `<p class="meta">All questions are of type ${escapeHtml(run.types[0] ?? '')}: see the tables above.</p>` : perTypeMetrics.map((key) => typeTable(run, key)).join('\n')}
<h2>Failures</h2>
${failureTable(run)}
<h2>Definitions</h2>
<dl>${definitions}</dl>
</main></body>
</html>
`;
}

// The Markdown report: run settings, the main table, per-type tables, definitions and the failure list.
import { column, failureReasons, focusSystem, formatValue, mainTableParts, metricColumns, perTypeMetrics, sectionLabel, shownColumns } from './report-format.js';
import type { EvalRun } from './run-evaluation.js';

/** Escapes text from the data for Markdown: HTML, table pipes, emphasis and code marks, line breaks. */
export function markdownCell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\|*_`[\]]/g, (char) => `\\${char}`)
    .replace(/\r?\n/g, ' ');
}

/** The main table (retrieval, then answers): one row per system, every metric with a value. */
export function mainTable(run: EvalRun): string {
  return mainTableParts
    .map(({ title, groups }) => {
      const columns = shownColumns(run, groups);
      const header = `| ${title} | ${columns.map((entry) => entry.short).join(' | ')} |`;
      const rule = `|---|${columns.map(() => '---:').join('|')}|`;
      const rows = run.systems.map((system) => `| ${markdownCell(system.label)} | ${columns.map((entry) => formatValue(run.overall[system.id]?.[entry.key], entry.kind)).join(' | ')} |`);
      return [header, rule, ...rows].join('\n');
    })
    .join('\n\n');
}

/** One table per metric: systems down, question types across. */
function typeTables(run: EvalRun): string {
  const counts = new Map(run.types.map((type) => [type, run.items.filter((item) => item.item.type === type).length]));
  const parts: string[] = [];
  for (const key of perTypeMetrics) {
    const entry = column(key);
    const types = run.types.filter((type) => run.systems.some((system) => run.byType[type]?.[system.id]?.[key] !== undefined));
    if (types.length === 0) continue;
    parts.push(`### ${entry.label} by question type\n`);
    parts.push(`| System | ${types.map((type) => `${markdownCell(type)} (${counts.get(type)})`).join(' | ')} |`);
    parts.push(`|---|${types.map(() => '---:').join('|')}|`);
    for (const system of run.systems) parts.push(`| ${markdownCell(system.label)} | ${types.map((type) => formatValue(run.byType[type]?.[system.id]?.[key], entry.kind)).join(' | ')} |`);
    parts.push('');
  }
  return parts.join('\n');
}

export function renderMarkdown(run: EvalRun): string {
  const focus = focusSystem(run);
  const failures = focus ? run.items.filter((item) => failureReasons(item, focus).length > 0) : [];
  const heldout = run.types.includes('heldout');
  const lines = [
    `# Answer-quality eval — ${run.startedAt}`,
    '',
    `- Dataset: ${markdownCell(run.dataset)} (${run.items.length} questions, ${run.items.filter((item) => item.item.answerable).length} answerable)`,
    `- Target: ${markdownCell(run.target)}; retrieval depth k = ${run.k}; dense retrieval: ${run.dense ? 'on' : 'off'}; product answers: ${markdownCell(run.answerModel)}`,
    `- Runtime: ${(run.durationMs / 1000).toFixed(1)} s`,
    ...run.notes.map((note) => `- Note: ${markdownCell(note)}`),
    ...run.skipped.map((skip) => `- Skipped system \`${skip.id}\`: ${markdownCell(skip.reason)}`),
    '',
    '## Systems',
    '',
    ...run.systems.map((system) => `- **${markdownCell(system.label)}** (\`${system.id}\`): retrieval — ${markdownCell(system.retrieval)}; answers — ${markdownCell(system.answers)}.`),
    '',
    '## Results',
    '',
    heldout ? '> Held-out set: the key retrieval metric is **Span@5** (the answering sentence lies inside one of the top 5 chunks); R@k is the overlap-based recall.\n' : '',
    mainTable(run),
    '',
    '## By question type',
    '',
    run.types.length < 2 ? `All questions are of type ${markdownCell(run.types[0] ?? '')}: see the tables above.\n` : typeTables(run),
    '## Definitions',
    '',
    ...metricColumns.filter((entry) => shownColumns(run).includes(entry)).map((entry) => `- **${entry.label}** (${entry.short}): ${entry.definition}`),
    '',
    `## Failures of ${markdownCell(run.systems.find((system) => system.id === focus)?.label ?? 'the focus system')} (${failures.length})`,
    '',
    '| Id | Type | Question | Expected evidence | Top retrieved | Why |',
    '|---|---|---|---|---|---|',
    ...failures.map(({ item, evidence, results }) => {
      const result = results[focus!];
      const expected = evidence.map((span) => markdownCell(`${span.documentId}: “${span.quote}”`)).join('<br>');
      const top = (result?.retrieved ?? []).slice(0, 3).map((chunk, i) => markdownCell(`${i + 1}. ${chunk.relevant ? '✓ ' : ''}${chunk.documentId} › ${sectionLabel(chunk.section)}`)).join('<br>');
      const question = [...item.history.filter((turn) => turn.role === 'user').map((turn) => `(earlier) ${turn.content}`), item.question].join(' → ');
      return `| ${markdownCell(item.id)} | ${markdownCell(item.type)} | ${markdownCell(question)} | ${expected} | ${top} | ${markdownCell(failureReasons({ item, evidence, results }, focus!).join('; '))} |`;
    }),
    '',
  ];
  return lines.join('\n');
}

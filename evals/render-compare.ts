// The comparison report (Markdown and HTML): both runs' metrics with intervals, the paired difference,
// flips by type, and the flipped dev questions with both answers side by side.
import type { Comparison, ComparedPart, Flip } from './compare-runs.js';
import { answerHtml, htmlPage } from './render-html.js';
import { markdownCell } from './render-markdown.js';
import {
  formatDelta,
  formatInterval,
  formatValue,
  intervalOf,
  metricColumns,
  pick,
  rowLabel,
  say,
  splitName,
  type Lang,
  type MetricColumn,
} from './report-format.js';
import { escapeXml as escapeHtml } from './svg-charts.js';

/** Metrics worth comparing: every rate and score either run measured, plus answer length. */
function comparedColumns(part: ComparedPart): MetricColumn[] {
  return metricColumns.filter((entry) => entry.kind !== 'ms' && part.rows.some((row) => row.before[entry.key] !== undefined || row.after[entry.key] !== undefined));
}

function partTitle(lang: Lang, part: ComparedPart): string {
  const count = lang === 'zh' ? `${part.questions} 道共同题目` : `${part.questions} common questions`;
  if (part.splits.length > 1) return lang === 'zh' ? `全部题目（${count}）` : `All questions (${count})`;
  return lang === 'zh' ? `${splitName(lang, part.splits[0])}（${count}）` : `${splitName(lang, part.splits[0])} (${count})`;
}

/** One table per compared row (product, then the naive reference): metric, before (interval), after (interval), difference (interval). */
function partTables(lang: Lang, part: ComparedPart, systems: Comparison['systems'], format: 'md' | 'html'): string {
  const zh = lang === 'zh';
  const columns = comparedColumns(part);
  // The product and the naive reference; the other baselines are in each run's own report.
  const ordered = ['product', 'naive'].flatMap((key) => part.rows.filter((row) => row.row.key === key));
  const head = [say(lang, 'metric'), zh ? '之前' : 'Before', zh ? '之后' : 'After', zh ? '差值' : 'Difference', zh ? '差值 95% 区间（配对重抽样）' : 'Difference, 95% interval (paired bootstrap)'];
  return ordered
    .map((compared) => {
      const lines = columns.map((entry) => {
        const before = compared.before[entry.key];
        const after = compared.after[entry.key];
        const withInterval = (value: number | undefined, interval: string) => `${formatValue(value, entry.kind)}${interval ? ` (${interval})` : ''}`;
        const delta = before === undefined || after === undefined ? undefined : after - before;
        const deltaInterval = intervalOf(compared.deltaIntervals, entry.key);
        const significant = deltaInterval && (deltaInterval[0] > 0 || deltaInterval[1] < 0);
        return {
          entry,
          cells: [
            pick(lang, entry.label),
            withInterval(before, formatInterval(intervalOf(compared.beforeIntervals, entry.key), entry.kind)),
            withInterval(after, formatInterval(intervalOf(compared.afterIntervals, entry.key), entry.kind)),
            formatDelta(delta, entry.kind, lang),
            deltaInterval ? `${formatDelta(deltaInterval[0], entry.kind, lang)} … ${formatDelta(deltaInterval[1], entry.kind, lang)}${significant ? (zh ? '（区间不含0）' : ' (excludes 0)') : ''}` : '',
          ],
        };
      });
      const title = rowLabel({ lang, run: { systems }, row: compared.row });
      if (format === 'md') {
        return [`#### ${title}`, '', `| ${head.join(' | ')} |`, `|---|---:|---:|---:|---:|`, ...lines.map(({ cells }) => `| ${cells.map(markdownCell).join(' | ')} |`), ''].join('\n');
      }
      return `<h4>${escapeHtml(title)}</h4><table><tr>${head.map((cell, i) => `<th${i > 0 ? ' class="num"' : ''}>${escapeHtml(cell)}</th>`).join('')}</tr>${lines
        .map(({ entry, cells }) => `<tr><td title="${escapeHtml(pick(lang, entry.definition))}">${escapeHtml(cells[0])}</td>${cells.slice(1).map((cell) => `<td class="num">${escapeHtml(cell)}</td>`).join('')}</tr>`)
        .join('')}</table>`;
    })
    .join('\n');
}

function flipRows(lang: Lang, part: ComparedPart): string[][] {
  return Object.entries(part.flipCounts).map(([type, counts]) => [type, String(counts.questions), String(counts.passToFail), String(counts.failToPass)]);
}

const flipHead = (lang: Lang) => (lang === 'zh' ? ['题型', '题数', '由对变错', '由错变对'] : ['Type', 'Questions', 'Pass → fail', 'Fail → pass']);

function flipAnswer(lang: Lang, flip: Flip, side: 'before' | 'after'): { text: string; cited: string } {
  const result = flip[side]?.results.product;
  if (!result) return { text: '', cited: '' };
  const text = result.answer.answered ? result.answer.answer : `${lang === 'zh' ? '拒答' : 'declined'}: ${result.answer.answer}`;
  const cited = result.answer.citations.map((citation) => `[${citation.n}] ${citation.title} › ${citation.section.join(' › ')}`).join('\n');
  return { text, cited };
}

function intro(lang: Lang, comparison: Comparison): string[] {
  const zh = lang === 'zh';
  const describe = (run: Comparison['before']) => `${run.dataset} · ${run.target} · ${run.startedAt} · ${run.answerModel}${run.synonymsFile ? ` · synonyms ${run.synonymsFile}` : ''}`;
  const lines = [`${zh ? '之前' : 'Before'}: ${describe(comparison.before)}`, `${zh ? '之后' : 'After'}: ${describe(comparison.after)}`];
  if (comparison.onlyBefore + comparison.onlyAfter > 0) {
    lines.push(
      zh
        ? `只比较两次都有的题目：${comparison.onlyBefore} 道只在之前、${comparison.onlyAfter} 道只在之后的题目不计。`
        : `Only questions in both runs are compared: ${comparison.onlyBefore} only before and ${comparison.onlyAfter} only after are left out.`,
    );
  }
  lines.push(
    zh
      ? '“对”：可回答问题答案包含全部关键事实，语料外问题被拒答（产品行）。测试集只给计数；由对变错/由错变对的具体题目只列开发集。差值区间来自对共同题目的配对重抽样（1000 次，固定种子）。'
      : '"Pass": an answerable question answered with every key fact, an out-of-corpus one declined (product row). The test split gives counts only; the flipped questions listed are dev items. Difference intervals come from a paired bootstrap over the common questions (1,000 resamples, fixed seed).',
  );
  return lines;
}

export function renderCompareMarkdown(comparison: Comparison, lang: Lang = 'zh'): string {
  const zh = lang === 'zh';
  const lines = [`# ${say(lang, 'compareTitle')}`, '', ...intro(lang, comparison).map((line) => `- ${markdownCell(line)}`), ''];
  for (const part of comparison.parts) {
    lines.push(`## ${partTitle(lang, part)}`, '', partTables(lang, part, comparison.systems, 'md'));
    lines.push(`#### ${zh ? '结果翻转（按题型）' : 'Flips by type'}`, '', `| ${flipHead(lang).join(' | ')} |`, '|---|---:|---:|---:|', ...flipRows(lang, part).map((cells) => `| ${cells.map(markdownCell).join(' | ')} |`), '');
  }
  lines.push(`## ${zh ? '翻转的开发集题目' : 'Flipped dev questions'} (${comparison.devFlips.length})`, '');
  if (comparison.devFlips.length > 0) {
    lines.push(zh ? '| 编号 | 题型 | 方向 | 问题 | 之前的答案 | 之后的答案 |' : '| Id | Type | Direction | Question | Answer before | Answer after |', '|---|---|---|---|---|---|');
    for (const flip of comparison.devFlips) {
      const direction = flip.direction === 'pass-to-fail' ? (zh ? '由对变错' : 'pass → fail') : zh ? '由错变对' : 'fail → pass';
      const item = flip.after?.item ?? flip.before?.item;
      lines.push(`| ${markdownCell(flip.id)} | ${markdownCell(flip.type)} | ${direction} | ${markdownCell(item?.question ?? '')} | ${markdownCell(flipAnswer(lang, flip, 'before').text)} | ${markdownCell(flipAnswer(lang, flip, 'after').text)} |`);
    }
  }
  lines.push('');
  return lines.join('\n');
}

export function renderCompareHtml(comparison: Comparison, lang: Lang = 'zh'): string {
  const zh = lang === 'zh';
  const table = (head: string[], rows: string[][]) =>
    `<table><tr>${head.map((cell, i) => `<th${i > 0 ? ' class="num"' : ''}>${escapeHtml(cell)}</th>`).join('')}</tr>${rows.map((cells) => `<tr>${cells.map((cell, i) => `<td${i > 0 ? ' class="num"' : ''}>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('')}</table>`;
  const parts = comparison.parts
    .map((part) => `<h2>${escapeHtml(partTitle(lang, part))}</h2>${partTables(lang, part, comparison.systems, 'html')}<h4>${zh ? '结果翻转（按题型）' : 'Flips by type'}</h4>${table(flipHead(lang), flipRows(lang, part))}`)
    .join('\n');
  const flips = comparison.devFlips
    .map((flip) => {
      const item = flip.after?.item ?? flip.before?.item;
      const before = flipAnswer(lang, flip, 'before');
      const after = flipAnswer(lang, flip, 'after');
      const direction = flip.direction === 'pass-to-fail' ? `<span class="bad">${zh ? '由对变错' : 'pass → fail'}</span>` : `<span class="ok">${zh ? '由错变对' : 'fail → pass'}</span>`;
      const facts = item && item.facts.length > 0 ? `<div class="small muted">${zh ? '关键事实' : 'facts'}: ${escapeHtml(item.facts.join('、'))}</div>` : '';
      return `<tr><td><b>${escapeHtml(flip.id)}</b> <span class="muted">${escapeHtml(flip.type)}</span><br>${direction}<div>${escapeHtml(item?.question ?? '')}</div>${facts}</td><td><div class="answer">${answerHtml(before.text)}</div><div class="small muted answer">${escapeHtml(before.cited)}</div></td><td><div class="answer">${answerHtml(after.text)}</div><div class="small muted answer">${escapeHtml(after.cited)}</div></td></tr>`;
    })
    .join('');
  const body = `<h1>${escapeHtml(say(lang, 'compareTitle'))}</h1>
<div class="meta">${intro(lang, comparison)
    .map((line) => escapeHtml(line))
    .join('<br>')}</div>
${parts}
<h2>${zh ? '翻转的开发集题目' : 'Flipped dev questions'} (${comparison.devFlips.length})</h2>
${
  comparison.devFlips.length > 0
    ? `<table class="failures"><colgroup><col style="width:28%"><col style="width:36%"><col style="width:36%"></colgroup><tr><th>${say(lang, 'question')}</th><th>${zh ? '之前的答案' : 'Answer before'}</th><th>${zh ? '之后的答案' : 'Answer after'}</th></tr>${flips}</table>`
    : `<p class="meta">${zh ? '没有开发集题目翻转。' : 'No dev question flipped.'}</p>`
}`;
  return htmlPage({ lang, title: say(lang, 'compareTitle'), body });
}

// What the reports show, in Chinese (default) or English: metric columns with plain-language
// definitions, number formats with confidence intervals, the naive reference flag, failure reasons.
import type { Interval, IntervalRow } from './bootstrap.js';
import type { Split } from './load-dataset.js';
import type { MetricRow } from './metrics.js';
import type { AnswerRow, EvalRun, ItemRun, Localized, MetricTable, SystemId } from './run-evaluation.js';

export type Lang = 'zh' | 'en';
export const languages: readonly Lang[] = ['zh', 'en'];

export type MetricKey = Exclude<keyof MetricRow, 'questions' | 'answerable' | 'errors'>;

export interface MetricColumn {
  key: MetricKey;
  /** Column header (explained in the legend and the header's hover title). */
  short: Localized;
  label: Localized;
  kind: 'share' | 'score' | 'ms' | 'count';
  group: 'retrieval' | 'answer' | 'refusal' | 'latency' | 'judge';
  /** Which direction is better: flags a product figure worse than the naive reference. */
  better: 'higher' | 'lower' | 'neither';
  /** What it measures, for readers who do not read the code. */
  definition: Localized;
}

const l = (zh: string, en: string): Localized => ({ zh, en });

export const metricColumns: MetricColumn[] = [
  {
    key: 'recall1',
    short: l('前1召回', 'R@1'),
    label: l('前1条召回率', 'Recall@1'),
    kind: 'share',
    group: 'retrieval',
    better: 'higher',
    definition: l('标准证据摘录中，与第1条检索结果重叠（同一文件、字符区间相交）的占比。', 'Share of gold evidence quotes overlapped by the first retrieved chunk (same document, overlapping character span).'),
  },
  {
    key: 'recall5',
    short: l('前5召回', 'R@5'),
    label: l('前5条召回率', 'Recall@5'),
    kind: 'share',
    group: 'retrieval',
    better: 'higher',
    definition: l('标准证据摘录中，与前5条检索结果之一重叠的占比。', 'Share of gold evidence quotes overlapped by one of the top 5 chunks.'),
  },
  {
    key: 'recall10',
    short: l('前10召回', 'R@10'),
    label: l('前10条召回率', 'Recall@10'),
    kind: 'share',
    group: 'retrieval',
    better: 'higher',
    definition: l('标准证据摘录中，与前10条检索结果之一重叠的占比。', 'Share of gold evidence quotes overlapped by one of the top 10 chunks.'),
  },
  {
    key: 'mrr',
    short: l('倒数排名', 'MRR'),
    label: l('平均倒数排名', 'Mean reciprocal rank (MRR)'),
    kind: 'score',
    group: 'retrieval',
    better: 'higher',
    definition: l('第一条与任一证据重叠的结果的排名取倒数（第1名为1，第2名为½……，前 k 条都不重叠为0），再对问题取平均。', 'Mean of 1/rank of the first chunk that overlaps any gold evidence (0 when none of the top k does).'),
  },
  {
    key: 'ndcg10',
    short: l('排序质量@10', 'nDCG@10'),
    label: l('前10排序质量（归一化折损累计增益）', 'Normalised discounted cumulative gain over the top 10 (nDCG@10)'),
    kind: 'score',
    group: 'retrieval',
    better: 'higher',
    definition: l(
      '前10条中，一条结果首次覆盖某条证据得1分，按排名折损（1/log2(排名+1)）累加，再除以理想排序（每条证据一条结果排在最前）的得分；块再大也不会多得分。',
      'Over the top 10: a chunk gains 1 when it overlaps an evidence quote no higher chunk overlapped, discounted by 1/log2(rank+1), divided by the ideal (one chunk per quote first), so chunk size cannot inflate it.',
    ),
  },
  {
    key: 'spanInTop5',
    short: l('前5含证据句', 'Span@5'),
    label: l('证据句完整落在前5条内', 'Evidence span inside a top-5 chunk (Span@5)'),
    kind: 'share',
    group: 'retrieval',
    better: 'higher',
    definition: l('标准证据摘录完整落在前5条中某一条之内的占比：读者在前5条里能读到整句答案。', 'Share of gold evidence quotes lying wholly inside one of the top 5 chunks: the answering sentence is there to read.'),
  },
  {
    key: 'documentsInTop5',
    short: l('前5含正确文件', 'Doc@5'),
    label: l('正确文件在前5条内', 'Gold document in the top 5 (Doc@5)'),
    kind: 'share',
    group: 'retrieval',
    better: 'higher',
    definition: l(
      '单文件问题：前5条结果所属的文件中有任一标准文件记1，否则记0；证据来自两份及以上文件的问题：这些文件在前5条中出现的占比。对可回答问题取平均。',
      'One-document questions: 1 when any of the gold documents is among the top 5 chunks’ documents, else 0; questions whose evidence comes from two or more documents: the share of those documents present. Mean over answerable questions.',
    ),
  },
  {
    key: 'charsInTop5',
    short: l('前5字数', 'Chars@5'),
    label: l('前5条总字数', 'Characters in the top 5 (Chars@5)'),
    kind: 'count',
    group: 'retrieval',
    better: 'neither',
    definition: l('前5条检索结果的平均总字数：块越大越容易“重叠”，但要读的也越多。', 'Mean number of characters in the top 5 chunks: bigger chunks make overlap recall easier but leave more to read.'),
  },
  {
    key: 'factAccuracy',
    short: l('要点全对', 'Facts'),
    label: l('关键事实全对率', 'Key-fact accuracy'),
    kind: 'share',
    group: 'answer',
    better: 'higher',
    definition: l('可回答问题中，答案包含全部关键事实的占比（忽略全半角、空白、[n] 标记和 Markdown）。拒答不含任何事实。', 'Share of answerable questions whose answer contains every key fact (widths folded; whitespace, [n] markers and Markdown ignored). A refusal contains none.'),
  },
  {
    key: 'factShare',
    short: l('要点覆盖', 'Fact share'),
    label: l('关键事实覆盖率', 'Mean key-fact share'),
    kind: 'share',
    group: 'answer',
    better: 'higher',
    definition: l('每道可回答问题的答案包含的关键事实占比，再取平均。', 'Mean share of a question’s key facts that the answer contains.'),
  },
  {
    key: 'answerPrecision',
    short: l('句子精确率', 'Answer P'),
    label: l('答案句子精确率', 'Answer precision'),
    kind: 'share',
    group: 'answer',
    better: 'higher',
    definition: l(
      '答案中携带关键事实、或与标准证据重叠的句子占比；有引用的句子按引用的字符偏移判断（句子在引文中的位置），无引用的按文字判断（共享至少8个连续字）。对已作答的可回答问题取平均：堆砌无关句子会拉低它。',
      'Share of an answer’s sentences that carry a key fact or overlap gold evidence; a citing sentence is placed by its citation’s offsets (its own span inside the quote), an uncited one compared by text (a shared run of 8+ characters). Mean over answered answerable questions: padding lowers it.',
    ),
  },
  {
    key: 'citationPrecision',
    short: l('引用精确率', 'Cite P'),
    label: l('引用精确率', 'Citation precision'),
    kind: 'share',
    group: 'answer',
    better: 'higher',
    definition: l('可回答问题的全部引用中，引文包含关键事实或与标准证据重叠的占比。', 'Share of citations (answerable questions) whose quote contains a key fact or overlaps gold evidence.'),
  },
  {
    key: 'goldDocumentRecall',
    short: l('引用正确文件', 'Gold doc'),
    label: l('标准文件引用率', 'Gold-document recall'),
    kind: 'share',
    group: 'answer',
    better: 'higher',
    definition: l('答案引用到的标准文件占标准文件的比例，对可回答问题取平均。', 'Mean share of the gold documents the answer cites.'),
  },
  {
    key: 'goldClauseRecall',
    short: l('标准条款引用率', 'Gold clauses'),
    label: l('标准条款引用率（多摘录问题）', 'Gold-clause recall (multi-quote questions)'),
    kind: 'share',
    group: 'answer',
    better: 'higher',
    definition: l(
      '有两条及以上证据摘录的问题（跨文件、汇总、列举等）中，被答案的某条引用覆盖（字符区间重叠）的摘录占比，对这些问题取平均：即“每份相关文件的标准条款都被引用”。',
      'For questions with two or more evidence quotes (cross-document, summary, list …): the share of quotes whose span some citation overlaps, averaged over those questions — "the gold clauses of each relevant document are cited".',
    ),
  },
  {
    key: 'supersededShown',
    short: l('旧版已列出', 'Superseded shown'),
    label: l('旧版本条文已列出', 'Superseded wording shown'),
    kind: 'share',
    group: 'answer',
    better: 'higher',
    definition: l('带有旧版本摘录（superseded）的版本问题中，答案引用到旧版本摘录的占比。', 'For version questions with superseded quotes: the share of those quotes a citation of the answer overlaps.'),
  },
  {
    key: 'faithfulness',
    short: l('忠实度', 'Faithful'),
    label: l('忠实度', 'Faithfulness'),
    kind: 'share',
    group: 'answer',
    better: 'higher',
    definition: l(
      '答案句子中由其引用条款支持的占比。抽取式：引文在文档中的偏移处逐字一致且包含该句；生成式：句中数字都在引用条款中且至少一半字二元组出现。无引用的句子算不支持。',
      'Share of answer sentences supported by the clause they cite. Extractive: the quote is verbatim at its offsets and contains the sentence. Generated: its numbers and at least half its character bigrams are in the cited clause. Uncited sentences count as unsupported.',
    ),
  },
  {
    key: 'answerLengthP50',
    short: l('答案字数中位数', 'Length p50'),
    label: l('答案字数（中位数）', 'Answer length, median'),
    kind: 'count',
    group: 'answer',
    better: 'neither',
    definition: l('已作答答案的字数中位数（不计 [n] 标记、Markdown 符号和空白）。要点全对率要和它一起读：越长越容易“碰到”要点。', 'Median characters of the answers given ([n] markers, Markdown and whitespace not counted). Read key facts with it: longer answers hit facts more easily.'),
  },
  {
    key: 'answerLengthP95',
    short: l('答案字数95分位', 'Length p95'),
    label: l('答案字数（95分位）', 'Answer length, 95th percentile'),
    kind: 'count',
    group: 'answer',
    better: 'neither',
    definition: l('已作答答案字数的第95百分位。', '95th percentile of the same length.'),
  },
  {
    key: 'refusalPrecision',
    short: l('拒答精确率', 'Refusal P'),
    label: l('拒答精确率', 'Refusal precision'),
    kind: 'share',
    group: 'refusal',
    better: 'higher',
    definition: l('系统拒答（answered: false）的问题中，语料确实无法回答的占比。', 'Of the questions the system declined (answered: false), the share the corpus indeed cannot answer.'),
  },
  {
    key: 'refusalRecall',
    short: l('拒答召回率', 'Refusal R'),
    label: l('拒答召回率', 'Refusal recall'),
    kind: 'share',
    group: 'refusal',
    better: 'higher',
    definition: l('语料外问题中，系统拒答的占比。', 'Of the out-of-corpus questions, the share the system declined.'),
  },
  {
    key: 'falseRefusalRate',
    short: l('误拒率', 'False refusals'),
    label: l('误拒率', 'False refusals'),
    kind: 'share',
    group: 'refusal',
    better: 'lower',
    definition: l('可回答问题中被系统拒答的占比（越低越好）。', 'Share of answerable questions the system declined (lower is better).'),
  },
  {
    key: 'latencyP50',
    short: l('耗时中位数（毫秒）', 'p50 ms'),
    label: l('耗时中位数', 'Latency, median'),
    kind: 'ms',
    group: 'latency',
    better: 'neither',
    definition: l('从提问到答案的时间中位数（产品：answerQuestion 或 /api/chat 往返；基线：检索 + 组答案）。', 'Median time from question to answer (product: answerQuestion or the /api/chat round trip; baselines: retrieval + answer).'),
  },
  {
    key: 'latencyP95',
    short: l('耗时95分位（毫秒）', 'p95 ms'),
    label: l('耗时95分位', 'Latency, 95th percentile'),
    kind: 'ms',
    group: 'latency',
    better: 'neither',
    definition: l('同一时间的第95百分位。', '95th percentile of the same time.'),
  },
  {
    key: 'judgeCorrectness',
    short: l('评审：正确性', 'Judge: correct'),
    label: l('大模型评审：正确性', 'LLM judge: correctness'),
    kind: 'share',
    group: 'judge',
    better: 'higher',
    definition: l('配置了大模型时，由它对照标准证据给答案的正确性打分（0、½、1）。', 'LLM-graded correctness against the gold evidence (0, ½, 1), when an LLM is configured.'),
  },
  {
    key: 'judgeGroundedness',
    short: l('评审：有据', 'Judge: grounded'),
    label: l('大模型评审：有据性', 'LLM judge: groundedness'),
    kind: 'share',
    group: 'judge',
    better: 'higher',
    definition: l('配置了大模型时，由它判断答案是否被所引原文支持（0、½、1）。', 'LLM-graded support of the answer by its cited quotes (0, ½, 1), when an LLM is configured.'),
  },
];

export const column = (key: MetricKey): MetricColumn => metricColumns.find((candidate) => candidate.key === key)!;

/** Report wording that is not a metric. */
const words = {
  title: l('答案质量评测', 'Answer-quality eval'),
  compareTitle: l('两次评测对比', 'Comparison of two eval runs'),
  suiteTitle: l('多题集评测', 'Eval suite'),
  legend: l('指标说明', 'How to read this report'),
  results: l('结果', 'Results'),
  systems: l('参评系统', 'Systems'),
  byType: l('按题型', 'By question type'),
  failures: l('失败题目（仅开发集）', 'Failures (dev items only)'),
  settings: l('设置', 'Settings'),
  notes: l('说明', 'Notes'),
  retrieval: l('检索', 'Retrieval'),
  answers: l('答案', 'Answers'),
  refusals: l('拒答与耗时', 'Refusals and latency'),
  system: l('系统', 'System'),
  metric: l('指标', 'Metric'),
  question: l('问题', 'Question'),
  expected: l('标准证据', 'Expected evidence'),
  retrieved: l('检索结果（前3）', 'Retrieved (top 3)'),
  answer: l('答案', 'Answer'),
  why: l('失败原因', 'Why it fails'),
  type: l('题型', 'Type'),
  fair: l('（公平形式）', ' (fair form)'),
  simple: l('（简单抽取）', ' (simple extractive)'),
  below: l('低于朴素基线', 'below the naive baseline'),
} satisfies Record<string, Localized>;

export type Word = keyof typeof words;
export const say = (lang: Lang, word: Word): string => words[word][lang];
export const pick = (lang: Lang, text: Localized): string => text[lang];

/** The legend lines that are not metric definitions: forms, splits, intervals, the reference flag. */
export function legendNotes(lang: Lang, run?: Pick<EvalRun, 'fair'>): Localized[] {
  const maxChars = run?.fair.maxChars;
  return [
    l(
      '朴素基线（字二元组 BM25，350字窗口）是参照行：产品低于它的数字标 ▼。',
      'The naive baseline (char-bigram BM25, 350-char windows) is the reference row: a product figure worse than it is marked ▼.',
    ),
    l(
      `基线的“公平形式”：第一条结果的得分低于在开发集上校准的阈值（使“可答题作答、语料外题拒答”的正确率最高的阈值）时拒答，否则回答第一条结果的原文，截到本次运行中产品答案字数的中位数${maxChars ? `（${maxChars} 字）` : ''}：能放下的整句先放，剩下超过三分之一时再截取下一句补足。于是比较的是“选得对不对”，而不是“贴得多不多”。`,
      `A baseline's "fair form" declines when its best score is below a threshold calibrated on the dev items (the one that decides the most dev questions right: answerable answered, out-of-corpus declined), and otherwise answers with its best chunk cut to the product's median answer length in this run${maxChars ? ` (${maxChars} characters)` : ''}: whole sentences while they fit, then, when over a third of the length is left, the next sentence cut to fill it — so the comparison measures selection, not length.`,
    ),
    l('“简单抽取”：第一条结果的前两句，附引用，从不拒答（旧的答案列，作参考）。', '"Simple extractive": the top chunk’s first two sentences, cited, never declining (the former answer column, kept for reference).'),
    l(
      '括号内为 95% 置信区间：对问题做 1000 次有放回重抽样（固定随机种子）后取 2.5% 与 97.5% 分位。区间宽说明题目少，两次运行的差别要落在区间外才可信。',
      'Brackets hold 95% confidence intervals: 1,000 resamples of the questions with replacement (fixed seed), 2.5th and 97.5th percentiles. Wide intervals mean few questions; a difference between runs inside them is not evidence.',
    ),
    l(
      '题目分测试集（test）与开发集（dev），未标注的算开发集。测试集先报告，只报汇总数字；失败明细只列开发集题目，测试集题目的失败从不打印或写出。',
      'Questions are split into test and dev (unlabelled ones count as dev). The test split is reported first and only in aggregate; the failure list shows dev items only — test failures are never printed or written.',
    ),
  ];
}

/** A metric as the legend names it: its column header, and its full name when that says more. */
export function legendTerm(lang: Lang, entry: MetricColumn): string {
  const short = pick(lang, entry.short);
  const label = pick(lang, entry.label);
  return short === label ? short : `${short} — ${label}`;
}

/** Heading of a metric table: which split it covers. */
export function tableTitle(lang: Lang, table: Pick<MetricTable, 'splits' | 'questions' | 'answerable'>, runHasBoth: boolean): string {
  const count = lang === 'zh' ? `${table.questions} 题，${table.answerable} 道可回答` : `${table.questions} questions, ${table.answerable} answerable`;
  if (table.splits.length > 1) return lang === 'zh' ? `全部题目（${count}）` : `All questions (${count})`;
  const name = splitName(lang, table.splits[0]);
  if (runHasBoth) return lang === 'zh' ? `${name}（${count}）` : `${name} (${count})`;
  return lang === 'zh' ? `${name}——本次运行的全部题目（${count}）` : `${name} — every question of this run (${count})`;
}

export function splitName(lang: Lang, split: Split): string {
  if (split === 'test') return lang === 'zh' ? '测试集（test）' : 'Test split';
  return lang === 'zh' ? '开发集（dev）' : 'Dev split';
}

/** A row's label: the system's, with the answer form for baselines. */
export function rowLabel({ lang, run, row, withForm = true }: { lang: Lang; run: Pick<EvalRun, 'systems'>; row: AnswerRow; withForm?: boolean }): string {
  const system = run.systems.find((entry) => entry.id === row.system);
  const name = system ? pick(lang, system.label) : row.system;
  if (!withForm || row.form === 'product') return name;
  return `${name}${say(lang, row.form === 'fair' ? 'fair' : 'simple')}`;
}

/** Shares as percentages with one decimal, scores with three decimals, counts and times whole; "–" when not measurable. */
export function formatValue(value: number | undefined, kind: MetricColumn['kind']): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (kind === 'share') return `${(value * 100).toFixed(1)}%`;
  if (kind === 'score') return value.toFixed(3);
  if (kind === 'count') return String(Math.round(value));
  return value < 10 ? value.toFixed(1) : String(Math.round(value));
}

/** An interval in the metric's unit, without the % sign: "86.3–96.1" or "0.891–0.957". */
export function formatInterval(interval: Interval | undefined, kind: MetricColumn['kind']): string {
  if (!interval || (kind !== 'share' && kind !== 'score')) return '';
  const show = (value: number) => (kind === 'share' ? (value * 100).toFixed(1) : value.toFixed(3));
  return `${show(interval[0])}–${show(interval[1])}`;
}

/** A metric's interval in a row of intervals (metrics without one, such as latency, give undefined). */
export function intervalOf(intervals: IntervalRow | undefined, key: MetricKey): Interval | undefined {
  return (intervals as Partial<Record<MetricKey, Interval>> | undefined)?.[key];
}

/** A signed difference in the metric's unit: "+2.1 pt" for shares. */
export function formatDelta(delta: number | undefined, kind: MetricColumn['kind'], lang: Lang): string {
  if (delta === undefined || Number.isNaN(delta)) return '–';
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  const size = Math.abs(delta);
  if (kind === 'share') return `${sign}${(size * 100).toFixed(1)}${lang === 'zh' ? ' 个百分点' : ' pt'}`;
  if (kind === 'score') return `${sign}${size.toFixed(3)}`;
  return `${sign}${Math.round(size)}`;
}

/** Columns with a value for some row of some table (judge columns disappear when no judge ran). */
export function shownColumns(run: Pick<EvalRun, 'tables'>, groups?: MetricColumn['group'][]): MetricColumn[] {
  const rows = run.tables.flatMap((table) => Object.values(table.overall));
  return metricColumns.filter((entry) => (!groups || groups.includes(entry.group)) && rows.some((row) => row?.[entry.key] !== undefined));
}

/** The main table, in three parts so each fits a page. Retrieval rows are systems; the others, answer rows. */
export const mainTableParts: { title: Word; groups: MetricColumn['group'][]; rows: 'systems' | 'answers' }[] = [
  { title: 'retrieval', groups: ['retrieval'], rows: 'systems' },
  { title: 'answers', groups: ['answer'], rows: 'answers' },
  { title: 'refusals', groups: ['refusal', 'latency', 'judge'], rows: 'answers' },
];

/** The rows of a main-table part. */
export function partRows(run: Pick<EvalRun, 'rows'>, part: (typeof mainTableParts)[number]): AnswerRow[] {
  return part.rows === 'systems' ? run.rows.filter((row) => row.form !== 'simple') : run.rows;
}

/**
 * Whether a product figure is worse than the naive reference in the same table (retrieval rows
 * compare retrieval, answer rows compare the naive fair form).
 */
export function belowReference(table: Pick<MetricTable, 'overall'>, row: AnswerRow, entry: MetricColumn): boolean {
  if (row.form !== 'product' || entry.better === 'neither') return false;
  const product = table.overall[row.key]?.[entry.key];
  const naive = table.overall.naive?.[entry.key];
  if (product === undefined || naive === undefined || Number.isNaN(product) || Number.isNaN(naive)) return false;
  return entry.better === 'higher' ? product < naive - 1e-12 : product > naive + 1e-12;
}

/** The metrics most worth a chart, in order. */
export const chartedMetrics: MetricKey[] = ['recall5', 'spanInTop5', 'documentsInTop5', 'factAccuracy', 'answerPrecision', 'citationPrecision', 'faithfulness', 'refusalRecall'];

/** Per-type tables: the metrics meaningful for a split by question type. */
export const perTypeMetrics: MetricKey[] = ['recall5', 'spanInTop5', 'documentsInTop5', 'factAccuracy', 'answerPrecision', 'citationPrecision', 'goldClauseRecall', 'faithfulness', 'falseRefusalRate', 'refusalRecall'];

/** Why a question counts as a failure for a system (empty when it does not). */
export function failureReasons(run: ItemRun, system: SystemId, lang: Lang = 'en'): string[] {
  const result = run.results[system];
  if (!result) return [];
  const { scores } = result;
  const zh = lang === 'zh';
  const reasons: string[] = [];
  if (scores.error) reasons.push(`${zh ? '出错' : 'error'}: ${scores.error}`);
  if (!run.item.answerable) {
    if (scores.answered) reasons.push(zh ? '回答了语料外问题' : 'answered an out-of-corpus question');
    return reasons;
  }
  const recall = scores.retrieval?.recall5;
  if (recall !== undefined && recall < 1) {
    reasons.push(recall === 0 ? (zh ? '前5条没有证据' : 'evidence not in top 5') : zh ? `前5条只有 ${Math.round(recall * 100)}% 的证据` : `only ${Math.round(recall * 100)}% of evidence in top 5`);
  }
  if (!scores.answered) reasons.push(zh ? '拒答了可回答的问题' : 'declined an answerable question');
  else if (!scores.allFacts) reasons.push(zh ? `缺少关键事实：${result.missingFacts.join('、')}` : `missing fact${result.missingFacts.length > 1 ? 's' : ''}: ${result.missingFacts.join('、')}`);
  if (result.unsupported.length > 0) reasons.push(zh ? `${result.unsupported.length} 句无引用支持` : `${result.unsupported.length} unsupported sentence(s)`);
  return reasons;
}

/** The system whose failures the report lists: the product when it ran, else the last system. */
export function focusSystem(run: Pick<EvalRun, 'systems'>): SystemId | undefined {
  return run.systems.find((system) => system.id === 'product')?.id ?? run.systems[run.systems.length - 1]?.id;
}

/** Other systems that had the evidence in their top 5 where the focus system did not. */
export function foundByOthers(run: ItemRun, systems: SystemId[], focus: SystemId): SystemId[] {
  return systems.filter((id) => id !== focus && (run.results[id]?.scores.retrieval?.recall5 ?? 0) >= 1);
}

/** A heading path for display: "（一）… › 1. …", or "(no heading)". */
export function sectionLabel(section: string[], lang: Lang = 'en'): string {
  return section.length > 0 ? section.join(' › ') : lang === 'zh' ? '（无标题）' : '(no heading)';
}

/** Dev items of a run: the only ones whose failures a report shows. */
export function devItems(run: Pick<EvalRun, 'items'>): ItemRun[] {
  return run.items.filter((entry) => entry.item.split === 'dev');
}

/** The run's settings as label–value lines. */
export function settingsLines(lang: Lang, run: EvalRun): [string, string][] {
  const zh = lang === 'zh';
  const splitCounts = (['test', 'dev'] as const).map((split) => `${split} ${run.items.filter((entry) => entry.item.split === split).length}`).join(', ');
  return [
    [zh ? '题集' : 'Dataset', `${run.dataset} (${run.items.length}${zh ? ' 题' : ' questions'}: ${splitCounts}; ${zh ? '题型' : 'types'}: ${run.types.join(', ')})`],
    [zh ? '运行范围' : 'Split run', run.split === 'all' ? (zh ? '全部（--split all）' : 'all (--split all)') : `--split ${run.split}`],
    [zh ? '被测对象' : 'Target', run.target],
    [zh ? '检索深度' : 'Retrieval depth', `k = ${run.k}`],
    [zh ? '向量检索' : 'Dense retrieval', run.dense ? (zh ? '开' : 'on') : zh ? '关' : 'off'],
    [zh ? '产品答案' : 'Product answers', run.answerModel === 'extractive' ? (zh ? '抽取式' : 'extractive') : run.answerModel],
    [zh ? '同义词文件' : 'Synonym file', run.synonymsFile ?? (zh ? '产品默认配置' : 'the product’s configured one')],
    [zh ? '开始时间' : 'Started', run.startedAt],
    [zh ? '用时' : 'Runtime', `${(run.durationMs / 1000).toFixed(1)} s`],
  ];
}

// Optional LLM judge: grades the product's answers for correctness and groundedness through the configured
// OpenAI-compatible endpoint (the same one the product answers with).
import OpenAI from 'openai';
import type { Config } from '../server/config.js';
import { aggregateRun, type EvalRun, type ItemRun, type SystemId } from './run-evaluation.js';

const instructions = `你是严格的政策问答评测员。给你：问题、标准证据（原文摘录）与关键事实、系统回答及其引用的原文。
请打两个分（0、1 或 2）：
- correctness：回答是否正确回答了问题（2=完整正确；1=部分正确或遗漏要点；0=错误或答非所问）。若标准证据为空（语料中没有答案），正确做法是明确说明没有找到，此时拒答=2，编造答案=0。
- groundedness：回答中的每个陈述是否都能由其引用的原文支持（2=全部支持；1=部分支持；0=大多无依据）。拒答记 2。
只输出一个 JSON 对象，例如 {"correctness": 2, "groundedness": 1, "reason": "简短理由"}。`;

/** The judge's grades for one answer, scaled to 0–1. */
export interface Judgement {
  correctness: number;
  groundedness: number;
  reason: string;
}

/** Reads the first JSON object in a reply; grades outside 0–2 are rejected. */
export function parseJudgement(reply: string): Judgement | undefined {
  const match = reply.match(/\{[\s\S]*\}/);
  if (!match) return undefined;
  try {
    const parsed = JSON.parse(match[0]) as { correctness?: unknown; groundedness?: unknown; reason?: unknown };
    const grade = (value: unknown) => (typeof value === 'number' && value >= 0 && value <= 2 ? value / 2 : undefined);
    const correctness = grade(parsed.correctness);
    const groundedness = grade(parsed.groundedness);
    if (correctness === undefined || groundedness === undefined) return undefined;
    return { correctness, groundedness, reason: typeof parsed.reason === 'string' ? parsed.reason : '' };
  } catch {
    return undefined;
  }
}

function judgePrompt(entry: ItemRun, system: SystemId): string {
  const { item, evidence } = entry;
  const result = entry.results[system]!;
  const history = item.history.map((turn) => `${turn.role === 'user' ? '用户' : '助手'}：${turn.content}`).join('\n');
  const gold = evidence.length > 0 ? evidence.map((span) => `《${span.title}》：${span.quote}`).join('\n') : '（空：语料中没有答案）';
  const cited = result.answer.citations.map((citation) => `[${citation.n}] ${citation.quote}`).join('\n') || '（无引用）';
  return [
    history ? `对话历史：\n${history}` : '',
    `问题：${item.question}`,
    `标准证据：\n${gold}`,
    `关键事实：${item.facts.join('、') || '（无）'}`,
    `系统回答（answered=${result.answer.answered}）：\n${result.answer.answer}`,
    `回答引用的原文：\n${cited}`,
  ]
    .filter(Boolean)
    .join('\n\n');
}

/**
 * Grades one system's answers (the product by default) and re-aggregates the run; returns a note
 * saying how many answers were judged and by which model.
 */
export async function judgeRun({
  run,
  config,
  system = 'product',
  onProgress = () => {},
}: {
  run: EvalRun;
  config: Config;
  system?: SystemId;
  onProgress?: (done: number, total: number, detail: string) => void;
}): Promise<string> {
  if (!config.LLM_BASE_URL) return 'LLM judge skipped: LLM_BASE_URL is not set';
  if (!run.systems.some((entry) => entry.id === system)) return `LLM judge skipped: system ${system} did not run`;
  const client = new OpenAI({ baseURL: config.LLM_BASE_URL, apiKey: config.LLM_API_KEY ?? 'not-needed', timeout: config.LLM_TIMEOUT_MS, maxRetries: 1 });
  let judged = 0;
  let failed = 0;
  let lastError = '';
  for (const [i, entry] of run.items.entries()) {
    onProgress(i, run.items.length, entry.item.id);
    const result = entry.results[system];
    if (!result || result.scores.error) continue;
    try {
      const completion = await client.chat.completions.create({
        model: config.LLM_MODEL,
        temperature: 0,
        max_tokens: 200,
        messages: [
          { role: 'system', content: instructions },
          { role: 'user', content: judgePrompt(entry, system) },
        ],
      });
      const judgement = parseJudgement(completion.choices[0]?.message?.content ?? '');
      if (!judgement) throw new Error('the reply held no valid grades');
      result.scores.judge = { correctness: judgement.correctness, groundedness: judgement.groundedness };
      result.judgeNote = judgement.reason;
      judged++;
    } catch (error) {
      failed++;
      lastError = error instanceof Error ? error.message : String(error);
      // An endpoint that fails on the first questions is down or misconfigured: stop rather than wait out every timeout.
      if (judged === 0 && failed >= 3) break;
    }
  }
  onProgress(run.items.length, run.items.length, 'done');
  Object.assign(run, aggregateRun(run));
  const failures = failed > 0 ? `; ${failed} failed (last error: ${lastError.slice(0, 160)})` : '';
  return `LLM judge (${config.LLM_MODEL} at ${config.LLM_BASE_URL}) graded ${judged} ${system} answers${failures}`;
}

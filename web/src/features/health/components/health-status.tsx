// A quiet status line in the header: is the service up, how much it knows, how it answers.
import { useEffect, useState } from 'react';
import { getHealth, type Health } from '../api/get-health';

type HealthState = { status: 'loading' } | { status: 'down' } | { status: 'up'; health: Health };

function describeHealth(health: Health): { short: string; detail: string } {
  const parts: string[] = [];
  if (typeof health.documents === 'number') parts.push(`${health.documents} 份文件`);
  if (typeof health.chunks === 'number') parts.push(`${health.chunks} 个条款片段`);
  const retrieval = [health.retrieval?.lexical !== false ? '关键词检索' : '', health.retrieval?.dense ? '语义检索' : ''].filter(Boolean).join(' + ');
  const provider = health.llm?.provider;
  const generator =
    !provider || provider === 'none' || provider === 'extractive' ? '原文摘录（不改写）' : `${provider}${health.llm?.model ? ` · ${health.llm.model}` : ''}`;
  const detail = [parts.join('，'), `检索：${retrieval || '未知'}`, `生成：${generator}`, health.retrieval?.embeddingModel ? `向量模型：${health.retrieval.embeddingModel}` : '']
    .filter(Boolean)
    .join('\n');
  return { short: parts.join(' · ') || '服务正常', detail };
}

/** `refreshKey` changes when the library did (a file added or removed): the counts are asked for again. */
export function HealthStatus({ refreshKey = 0 }: { refreshKey?: number }) {
  const [state, setState] = useState<HealthState>({ status: 'loading' });

  useEffect(() => {
    let controller = new AbortController();
    let timer: ReturnType<typeof setTimeout>;
    const check = () => {
      controller = new AbortController();
      getHealth(controller.signal).then(
        (health) => {
          setState({ status: 'up', health });
          timer = setTimeout(check, 60_000);
        },
        () => {
          if (controller.signal.aborted) return;
          setState({ status: 'down' });
          timer = setTimeout(check, 15_000);
        },
      );
    };
    check();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [refreshKey]);

  if (state.status === 'loading') return <p className="health" data-testid="health" aria-live="polite" />;
  if (state.status === 'down') {
    return (
      <p className="health is-down" data-testid="health" aria-live="polite">
        <span className="health-dot" aria-hidden="true" />
        服务未连接
      </p>
    );
  }
  const { short, detail } = describeHealth(state.health);
  return (
    <p className="health" data-testid="health" title={detail} aria-label={`服务正常。${detail.replace(/\n/g, '；')}`}>
      <span className="health-dot" aria-hidden="true" />
      {short}
    </p>
  );
}

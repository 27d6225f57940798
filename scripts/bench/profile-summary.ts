// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function, heaviest first.
import { readFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  frame: string;
  selfMs: number;
  share: number;
}

/** Self milliseconds per `function (file:line)` of a .cpuprofile file, the `top` heaviest. */
export async function summarizeProfile(path: string, top = 15): Promise<ProfileRow[]> {
  return summarize(JSON.parse(await readFile(path, 'utf8')) as CpuProfile, top);
}

/** Runs `work` under this process's own V8 sampling profiler and summarises where its time went. */
export async function profileWork(work: () => Promise<unknown>, { top = 12, intervalUs = 100 }: { top?: number; intervalUs?: number } = {}): Promise<ProfileRow[]> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
    await session.post('Profiler.start');
    await work();
    const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
    return summarize(profile, top);
  } finally {
    session.disconnect();
  }
}

function summarize(profile: CpuProfile, top: number): ProfileRow[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    // The in-process profiler's own message dispatch, and time with nothing running.
    if ((functionName === 'dispatch' && !url) || functionName === '(idle)') return;
    // Line numbers are of tsx's transpiled output, so only the file is shown.
    const file = url.replace(/^file:\/\//, '').replace(/^.*\/(server|scripts|node_modules)\//, '$1/').replace(/\?.*$/, '');
    const frame = `${functionName || '(anonymous)'}${file ? ` (${file}${file.startsWith('node:') ? `:${lineNumber + 1}` : ''})` : ''}`;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    self.set(frame, (self.get(frame) ?? 0) + ms);
    total += ms;
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([frame, selfMs]) => ({ frame, selfMs: Math.round(selfMs), share: Math.round((selfMs / total) * 1000) / 10 }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const path of process.argv.slice(2)) {
    console.log(path);
    for (const row of await summarizeProfile(path, 25)) console.log(`${String(row.selfMs).padStart(7)} ms ${String(row.share).padStart(5)}%  ${row.frame}`);
  }
}

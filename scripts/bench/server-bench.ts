// The HTTP server as a separate process: cold start to first answer, RSS, sequential latency, and
// throughput under autocannon (the load generator stays in this process, the server in its own).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result as AutocannonResult } from 'autocannon';
import { round, summarize, type LatencySummary } from './stats.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  url: string;
  pid: number;
  /** Spawn to "Open <url>" printed (index loaded, listening). */
  listeningMs: number;
  /** Spawn to the first 200 answer of POST /api/chat. */
  firstAnswerMs: number;
  health: unknown;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Spawns `node --import tsx server/main.ts` on 127.0.0.1 with an ephemeral port and rate limiting off,
 * waits for its URL, then asks `question` until the first answer arrives.
 */
export async function startServerProcess({
  env,
  question,
  nodeArgs = [],
  timeoutMs = 180_000,
}: {
  env: Record<string, string>;
  question: string;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'error', ALLOW_REMOTE_MODELS: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms: ${output.slice(-500)}`)), timeoutMs);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/Open (http:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${output.slice(-800)}`));
    });
  });
  const listeningMs = performance.now() - started;
  for (;;) {
    const response = await fetch(`${url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: question }] }) }).catch(() => undefined);
    if (response?.ok) {
      await response.json();
      break;
    }
    if (performance.now() - started > timeoutMs) throw new Error('no answer from the server');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const firstAnswerMs = performance.now() - started;
  const health = await (await fetch(`${url}/api/health`)).json();
  return {
    url,
    pid: child.pid!,
    listeningMs: round(listeningMs, 0),
    firstAnswerMs: round(firstAnswerMs, 0),
    health,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => {
          running.delete(child);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Resident and peak resident memory of a process (Linux /proc), in MB. */
export function memoryOf(pid: number): { rssMb: number; peakRssMb: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(status.match(new RegExp(`${name}:\\s+(\\d+) kB`))?.[1] ?? Number.NaN) / 1024;
    return { rssMb: round(field('VmRSS'), 0), peakRssMb: round(field('VmHWM'), 0) };
  } catch {
    return { rssMb: Number.NaN, peakRssMb: Number.NaN };
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    // After the command name: state is field 3, so utime (14) and stime (15) are at 11 and 12 here.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

export interface SequentialReport {
  requests: number;
  failures: number;
  answered?: number;
  clientLatency: LatencySummary;
  /** The server's own `timings.totalMs` (chat only): retrieval + answer, no HTTP or JSON. */
  serverTotal?: LatencySummary;
  serverRetrieve?: LatencySummary;
}

/** One request at a time over every body, `rounds` times after a warm-up pass. */
export async function sequentialLatency({ url, path, bodies, rounds }: { url: string; path: string; bodies: unknown[]; rounds: number }): Promise<SequentialReport> {
  const client: number[] = [];
  const server: number[] = [];
  const retrieve: number[] = [];
  let failures = 0;
  let answered = 0;
  for (let round = -1; round < rounds; round++) {
    for (const body of bodies) {
      const started = performance.now();
      const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const json = (await response.json()) as { answered?: boolean; timings?: { totalMs: number; retrieveMs: number } };
      const ms = performance.now() - started;
      if (round < 0) continue;
      if (!response.ok) failures++;
      client.push(ms);
      if (json.timings) {
        server.push(json.timings.totalMs);
        retrieve.push(json.timings.retrieveMs);
      }
      if (json.answered) answered++;
    }
  }
  return {
    requests: client.length,
    failures,
    answered: server.length > 0 ? answered : undefined,
    clientLatency: summarize(client),
    serverTotal: server.length > 0 ? summarize(server) : undefined,
    serverRetrieve: retrieve.length > 0 ? summarize(retrieve) : undefined,
  };
}

export interface LoadReport {
  path: string;
  connections: number;
  durationS: number;
  requests: number;
  requestsPerSecond: number;
  /** From every response's time (autocannon's `response` event), so p95 is exact, not interpolated. */
  latencyMs: LatencySummary;
  /** autocannon's own histogram (whole milliseconds; it has p97.5 and p99, no p95). */
  autocannon: { p50: number; p90: number; p97_5: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  serverRssMb: number;
  /** Server CPU time per completed request, and the share of one core the server used. */
  serverCpuMsPerRequest: number;
  serverCoreShare: number;
}

/** autocannon against a POST route, cycling through `bodies`. */
export async function loadTest({ url, path, bodies, connections, durationS, pid }: { url: string; path: string; bodies: unknown[]; connections: number; durationS: number; pid: number }): Promise<LoadReport> {
  const times: number[] = [];
  const cpuBefore = cpuSecondsOf(pid);
  const wallBefore = performance.now();
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        duration: durationS,
        timeout: 30,
        requests: bodies.map((body) => ({ method: 'POST', path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })),
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => times.push(responseTime));
  });
  const cpuSeconds = cpuSecondsOf(pid) - cpuBefore;
  const wallSeconds = (performance.now() - wallBefore) / 1000;
  return {
    path,
    connections,
    durationS,
    requests: result.requests.total,
    requestsPerSecond: round(result.requests.total / (result.duration || durationS), 0),
    latencyMs: summarize(times),
    autocannon: { p50: result.latency.p50, p90: result.latency.p90, p97_5: result.latency.p97_5, p99: result.latency.p99, max: result.latency.max },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    serverRssMb: memoryOf(pid).rssMb,
    serverCpuMsPerRequest: round((cpuSeconds * 1000) / Math.max(1, result.requests.total), 2),
    serverCoreShare: round(cpuSeconds / wallSeconds, 2),
  };
}

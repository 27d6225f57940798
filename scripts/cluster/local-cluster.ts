// Starts the Java launcher (scripts/cluster/src/…/SolrClusterLauncher.java): a local SolrCloud of several
// nodes on loopback ports in one JVM, built from Maven Central on first use. For tests and trials only.
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const projectDir = dirname(fileURLToPath(import.meta.url));
const pom = join(projectDir, 'pom.xml');
const classpathFile = join(projectDir, 'target', 'classpath.txt');
const launcherSource = join(projectDir, 'src/main/java/policycite/cluster/SolrClusterLauncher.java');
/** The config set every collection of the product is created from (uploaded to the local cluster as `policy-cite`). */
export const configSetDir = join(projectDir, 'configset', 'conf');

/** Why the local cluster cannot run here (no `java` or no `mvn` on PATH), or undefined when it can. */
export function clusterToolsMissing(): string | undefined {
  for (const [tool, args] of [['java', ['-version']], ['mvn', ['-v']]] as const) {
    const probe = spawnSync(tool, args, { stdio: 'ignore', timeout: 60_000 });
    if (probe.error || probe.status !== 0) return `\`${tool}\` is not available (install a JDK 17+ and Maven: apt-get install openjdk-17-jdk-headless maven)`;
  }
  return undefined;
}

/** Builds the launcher with Maven (downloading Solr on the first build) unless the build is newer than its sources. */
export async function buildLauncher({ onNotice = () => {} }: { onNotice?: (message: string) => void } = {}): Promise<string> {
  const built = existsSync(classpathFile) ? statSync(classpathFile).mtimeMs : 0;
  const sources = Math.max(statSync(pom).mtimeMs, statSync(launcherSource).mtimeMs);
  if (built < sources) {
    onNotice('building the Solr cluster launcher with Maven (the first build downloads Solr, about 85 MB)');
    const child = spawn('mvn', ['-q', '-B', '-f', pom, '-DskipTests', 'package'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString()));
    child.stderr.on('data', (data: Buffer) => (output += data.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`building the cluster launcher failed (mvn exit ${code}):\n${output.slice(-2000)}`);
    // Maven leaves an unchanged classpath file alone: its time is the build's from now on.
    const now = new Date();
    await utimes(classpathFile, now, now);
  }
  const dependencies = (await readFile(classpathFile, 'utf8')).trim();
  return [join(projectDir, 'target', 'classes'), dependencies].join(':');
}

export interface LocalCluster {
  /** Base URLs of the nodes (`http://127.0.0.1:PORT/solr`), node 0 first. */
  urls: string[];
  zkHost: string;
  configSet: string;
  /** Milliseconds from JVM start to every node being up. */
  startMs: number;
  /** Stops node `n`; its replicas go down and the other nodes keep serving. */
  stopNode(n: number): Promise<void>;
  /** Starts node `n` again. */
  startNode(n: number): Promise<void>;
  /** Stops every node and ZooKeeper and removes the cluster's files. */
  shutdown(): Promise<void>;
}

interface LauncherEvent {
  event: 'ready' | 'stopped' | 'started' | 'shutdown' | 'error';
  urls?: string[];
  zkHost?: string;
  configSet?: string;
  startMs?: number;
  node?: number;
  message?: string;
}

/**
 * Starts a SolrCloud of `nodes` nodes with an embedded ZooKeeper and the policy-cite config set uploaded,
 * and resolves once every node is up. The JVM ends when `shutdown()` is called or this process exits.
 */
export async function startLocalCluster({
  nodes = 2,
  heapMb = 1024,
  onNotice = () => {},
  onLog,
}: {
  nodes?: number;
  heapMb?: number;
  onNotice?: (message: string) => void;
  /** Solr's own log lines (warnings and errors). */
  onLog?: (line: string) => void;
} = {}): Promise<LocalCluster> {
  const classpath = await buildLauncher({ onNotice });
  const baseDir = await mkdtemp(join(tmpdir(), 'policy-cite-solr-'));
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(
    'java',
    [`-Xmx${heapMb}m`, '-XX:+UseSerialGC', '-cp', classpath, 'policycite.cluster.SolrClusterLauncher', '--nodes', String(nodes), '--configset', configSetDir, '--base-dir', join(baseDir, 'cluster')],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const logTail: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    logTail.push(line);
    if (logTail.length > 40) logTail.shift();
    onLog?.(line);
  });
  const waiting: { accept: (event: LauncherEvent) => boolean; resolve: (event: LauncherEvent) => void; reject: (error: Error) => void }[] = [];
  let exited: Error | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith('{"event"')) return;
    const event = JSON.parse(line) as LauncherEvent;
    const index = waiting.findIndex((waiter) => waiter.accept(event) || event.event === 'error');
    if (index < 0) return;
    const [waiter] = waiting.splice(index, 1);
    if (event.event === 'error') waiter.reject(new Error(`cluster launcher: ${event.message}`));
    else waiter.resolve(event);
  });
  const closed = new Promise<void>((resolve) =>
    child.on('close', (code, signal) => {
      exited = new Error(`the cluster launcher exited (${signal ?? `code ${code}`}); its last log lines:\n${logTail.join('\n')}`);
      for (const waiter of waiting.splice(0)) waiter.reject(exited);
      resolve();
    }),
  );
  child.on('error', (error) => {
    exited = error;
    for (const waiter of waiting.splice(0)) waiter.reject(error);
  });
  const next = (accept: (event: LauncherEvent) => boolean) =>
    new Promise<LauncherEvent>((resolve, reject) => (exited ? reject(exited) : waiting.push({ accept, resolve, reject })));
  const command = async (line: string, accept: (event: LauncherEvent) => boolean) => {
    const event = next(accept);
    child.stdin.write(`${line}\n`);
    return event;
  };
  // Never leave a JVM behind when this process ends.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let ready: LauncherEvent;
  try {
    ready = await next((event) => event.event === 'ready');
  } catch (error) {
    child.kill('SIGKILL');
    await closed;
    await rm(baseDir, { recursive: true, force: true });
    throw error;
  }
  return {
    urls: ready.urls ?? [],
    zkHost: ready.zkHost ?? '',
    configSet: ready.configSet ?? 'policy-cite',
    startMs: ready.startMs ?? 0,
    async stopNode(n) {
      await command(`stop ${n}`, (event) => event.event === 'stopped' && event.node === n);
    },
    async startNode(n) {
      await command(`start ${n}`, (event) => event.event === 'started' && event.node === n);
    },
    async shutdown() {
      if (!exited) {
        child.stdin.end('shutdown\n');
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        await closed;
        clearTimeout(timer);
      }
      process.removeListener('exit', killOnExit);
      await rm(baseDir, { recursive: true, force: true });
    },
  };
}

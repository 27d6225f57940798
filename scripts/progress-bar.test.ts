import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressBar } from './progress-bar';

/** A stderr stand-in that is not a terminal, as when `npm start` is piped to a file. */
function pipe() {
  const lines: string[] = [];
  let pending = '';
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      pending += String(chunk);
      const parts = pending.split('\n');
      pending = parts.pop()!;
      lines.push(...parts);
      callback();
    },
  }) as unknown as NodeJS.WriteStream;
  return { stream, lines };
}

describe('progress when not a terminal', () => {
  it('prints one line per stage with its result, never a 0/1 left hanging', () => {
    const { stream, lines } = pipe();
    const bar = createProgressBar(stream);
    bar.update('scan', 0, 1);
    bar.update('scan', 1, 1, '5 files in corpus');
    for (let i = 0; i < 5; i++) bar.update('load', i, 5, `file ${i}.txt`);
    bar.update('load', 5, 5, '5 documents (0 unchanged)');
    bar.update('write', 0, 1);
    bar.log('a notice on its own line');
    bar.update('write', 1, 1, 'saved to data/index');
    bar.update('write', 1, 1, 'saved to data/index');
    bar.end();
    expect(lines).toEqual(['scan: 5 files in corpus', 'load: 5 documents (0 unchanged)', 'a notice on its own line', 'write: saved to data/index']);
  });

  it('says where a stage stopped when it never finished', () => {
    const { stream, lines } = pipe();
    const bar = createProgressBar(stream);
    bar.update('embed', 0, 40);
    bar.update('embed', 12, 40);
    bar.end();
    expect(lines).toEqual(['embed: 12/40 (stopped)']);
  });

  it('shows a long stage is alive with one count line per heartbeat', () => {
    const { stream, lines } = pipe();
    const bar = createProgressBar(stream, { heartbeatMs: 0 });
    bar.update('embed', 0, 3);
    bar.update('embed', 1, 3);
    bar.update('embed', 3, 3, '3 chunks embedded');
    expect(lines).toEqual(['embed: 0/3…', 'embed: 1/3…', 'embed: 3 chunks embedded']);
  });
});

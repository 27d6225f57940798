// File names an upload is saved under, and one change to the library at a time.
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { exclusiveWrite, maxWaitingWrites, safeFileName, uniqueFileName } from './library-writes';
import type { RagService } from './rag-service';

describe('safeFileName', () => {
  it('keeps a plain Chinese name and lower-cases the extension', () => {
    expect(safeFileName('关于印发《实施方案》的通知.PDF')).toBe('关于印发《实施方案》的通知.pdf');
  });

  it('drops paths, leading dots, control and reserved characters', () => {
    expect(safeFileName('../../etc/passwd.txt')).toBe('passwd.txt');
    expect(safeFileName('..\\..\\通知.docx')).toBe('通知.docx');
    expect(safeFileName('.隐藏文件.md')).toBe('隐藏文件.md');
    expect(safeFileName('a<b>c:d"e|f?g*h\u0000.txt')).toBe('abcdefgh.txt');
    expect(safeFileName('   .txt')).toBe('document.txt');
    expect(safeFileName('CON.txt')).toBe('_CON.txt');
  });

  it('shortens a very long name, keeping the extension', () => {
    const name = safeFileName(`${'政'.repeat(300)}.docx`);
    expect(name).toBe(`${'政'.repeat(80)}.docx`);
  });
});

describe('uniqueFileName', () => {
  it('numbers a name another file (in any letter case) or a document id already has', () => {
    expect(uniqueFileName('通知.txt', { files: new Set(), ids: new Set() })).toBe('通知.txt');
    expect(uniqueFileName('Notice.txt', { files: new Set(['notice.txt', 'notice (2).txt']), ids: new Set() })).toBe('Notice (3).txt');
    // "通知.md" would get the id "通知" that 通知.txt already has.
    expect(uniqueFileName('通知.md', { files: new Set(['通知.txt']), ids: new Set(['通知']) })).toBe('通知 (2).md');
  });
});

describe('exclusiveWrite', () => {
  const service = () => ({}) as RagService;

  it('runs changes one after the other, in order', async () => {
    const target = service();
    const events: string[] = [];
    const change = (name: string) =>
      exclusiveWrite(target, async () => {
        events.push(`${name} start`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        events.push(`${name} end`);
        return name;
      });
    expect(await Promise.all([change('a'), change('b'), change('c')])).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
  });

  it('goes on after a failed change', async () => {
    const target = service();
    const failed = exclusiveWrite(target, async () => {
      throw new Error('disk full');
    });
    await expect(failed).rejects.toThrow('disk full');
    await expect(exclusiveWrite(target, async () => 'next')).resolves.toBe('next');
  });

  it('refuses with 409 a change that must not wait, and one beyond the queue', async () => {
    const target = service();
    let finish!: () => void;
    const running = exclusiveWrite(target, () => new Promise<void>((resolve) => (finish = resolve)));
    await expect(exclusiveWrite(target, async () => undefined, { wait: false })).rejects.toMatchObject({ code: 'conflict:reindex_running' });
    const queued = Array.from({ length: maxWaitingWrites }, () => exclusiveWrite(target, async () => undefined));
    const beyond = await exclusiveWrite(target, async () => undefined).catch((error: unknown) => error);
    expect(beyond).toBeInstanceOf(AppError);
    expect((beyond as AppError).status).toBe(409);
    finish();
    await Promise.all([running, ...queued]);
  });
});

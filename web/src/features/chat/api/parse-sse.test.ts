import { describe, expect, it } from 'vitest';
import { createSseParser, parseSse } from './parse-sse';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(chunks: string[]) {
  const events = [];
  for await (const event of parseSse(streamOf(chunks))) events.push(event);
  return events;
}

describe('parseSse', () => {
  it('yields named events with their data', async () => {
    const events = await collect(['event: delta\ndata: {"text":"你好"}\n\n', 'event: done\ndata: {}\n\n']);
    expect(events).toEqual([
      { event: 'delta', data: '{"text":"你好"}' },
      { event: 'done', data: '{}' },
    ]);
  });

  it('reassembles events and multi-byte characters split across chunks', async () => {
    const bytes = new TextEncoder().encode('event: delta\ndata: {"text":"城镇化率"}\n\n');
    const parts = [bytes.slice(0, 7), bytes.slice(7, 25), bytes.slice(25, 26), bytes.slice(26)];
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        parts.forEach((part) => controller.enqueue(part));
        controller.close();
      },
    });
    const events = [];
    for await (const event of parseSse(stream)) events.push(event);
    expect(events).toEqual([{ event: 'delta', data: '{"text":"城镇化率"}' }]);
  });

  it('handles CRLF line ends, comments and multi-line data', async () => {
    const events = await collect([': keep-alive\r\n', 'event: delta\r\ndata: a\r', '\ndata: b\r\n\r\n']);
    expect(events).toEqual([{ event: 'delta', data: 'a\nb' }]);
  });

  it('defaults the event name to message and keeps a final event without a blank line', () => {
    const parser = createSseParser();
    expect(parser.push('data: x\n\ndata: y')).toEqual([{ event: 'message', data: 'x' }]);
    expect(parser.end()).toEqual([{ event: 'message', data: 'y' }]);
  });
});

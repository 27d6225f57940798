import { describe, expect, it } from 'vitest';
import { describeError, readErrorResponse } from './api-error';

describe('describeError', () => {
  it('speaks plain Chinese for every server code and never echoes the server message', () => {
    expect(describeError({ code: 'rate_limited', status: 429, retryAfterSeconds: 12.2 })).toBe('提问太频繁了，请约 13 秒后再试。');
    expect(describeError({ code: 'rate_limited' })).toBe('提问太频繁了，请稍等片刻再试。');
    expect(describeError({ code: 'bad_request:json' })).toContain('没能被受理');
    expect(describeError({ code: 'not_found:document' })).toContain('重新选择');
    expect(describeError({ code: 'internal' })).toBe('服务器暂时出了点问题，请稍后再试。');
    expect(describeError({ code: 'something_new' })).toBe('服务器暂时出了点问题，请稍后再试。');
    expect(describeError({ code: 'network' })).toContain('连不上服务器');
  });
});

describe('readErrorResponse', () => {
  it('reads the code, status and Retry-After of an error response', async () => {
    const response = new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'Too many requests' } }), {
      status: 429,
      headers: { 'Content-Type': 'application/json', 'Retry-After': '30' },
    });
    const error = await readErrorResponse(response);
    expect([error.code, error.status, error.retryAfterSeconds]).toEqual(['rate_limited', 429, 30]);
  });

  it('falls back on the status when the body is not the error JSON', async () => {
    const error = await readErrorResponse(new Response('<html>Bad Gateway</html>', { status: 502 }));
    expect(error.code).toBe('network');
  });
});

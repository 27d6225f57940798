// Configuration: defaults, normalised values, and one error naming every bad variable.
import { describe, expect, it } from 'vitest';
import { parseConfig } from './config';

describe('parseConfig', () => {
  it('gives the documented defaults and a frozen object', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      PORT: 8787,
      HOST: '127.0.0.1',
      CORPUS_DIR: 'corpus',
      INDEX_DIR: 'data/index',
      EMBEDDING_MODEL: 'Xenova/bge-small-zh-v1.5',
      MODELS_DIR: 'models',
      ALLOW_REMOTE_MODELS: true,
      LLM_TIMEOUT_MS: 60_000,
      LLM_MAX_TOKENS: 1024,
      RATE_LIMIT_PER_MINUTE: 120,
      LOG_LEVEL: 'info',
    });
    expect(config.LLM_BASE_URL).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads numbers and flags from strings and trims optional text', () => {
    const config = parseConfig({ PORT: '0', RATE_LIMIT_PER_MINUTE: '5', ALLOW_REMOTE_MODELS: 'false', MODELS_DIR: ' /models ', LLM_BASE_URL: 'http://127.0.0.1:9/v1' });
    expect(config).toMatchObject({ PORT: 0, RATE_LIMIT_PER_MINUTE: 5, ALLOW_REMOTE_MODELS: false, MODELS_DIR: '/models', LLM_BASE_URL: 'http://127.0.0.1:9/v1' });
  });

  it('treats empty values as unset, so `PORT=` does not mean port 0 nor `RATE_LIMIT_PER_MINUTE=` no limit', () => {
    const config = parseConfig({ PORT: '', RATE_LIMIT_PER_MINUTE: ' ', LLM_TIMEOUT_MS: '', LLM_MAX_TOKENS: '', LLM_BASE_URL: '  ', MODELS_DIR: '' });
    expect(config).toMatchObject({ PORT: 8787, RATE_LIMIT_PER_MINUTE: 120, LLM_TIMEOUT_MS: 60_000, LLM_MAX_TOKENS: 1024 });
    expect(config.LLM_BASE_URL).toBeUndefined();
    expect(config.MODELS_DIR).toBe('models');
  });

  it('turns dense retrieval off with EMBEDDING_MODEL=none or an empty value', () => {
    expect(parseConfig({ EMBEDDING_MODEL: 'none' }).EMBEDDING_MODEL).toBe('');
    expect(parseConfig({ EMBEDDING_MODEL: ' ' }).EMBEDDING_MODEL).toBe('');
  });

  it('trusts no proxy by default, and reads TRUST_PROXY as false, true or a count of proxies', () => {
    expect(parseConfig({}).TRUST_PROXY).toBe(0);
    expect(parseConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(0);
    expect(parseConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(1);
    expect(parseConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(() => parseConfig({ TRUST_PROXY: 'nginx' })).toThrow(/TRUST_PROXY: /);
  });

  it('searches the embedded index by default, and a Solr cluster only with its node URLs', () => {
    expect(parseConfig({})).toMatchObject({ SEARCH_BACKEND: 'embedded', SOLR_URL: [], SOLR_COLLECTION: 'policy-cite', SOLR_SHARDS: 2, SOLR_REPLICAS: 2, SOLR_FUSION: 'product' });
    expect(parseConfig({ SEARCH_BACKEND: 'solr', SOLR_URL: 'http://10.0.0.5:8983/solr/, http://10.0.0.6:8983/solr' }).SOLR_URL).toEqual(['http://10.0.0.5:8983/solr', 'http://10.0.0.6:8983/solr']);
    expect(() => parseConfig({ SEARCH_BACKEND: 'solr' })).toThrow(/SOLR_URL: SEARCH_BACKEND=solr needs/);
    expect(() => parseConfig({ SOLR_URL: 'file:///etc' })).toThrow(/SOLR_URL/);
    expect(() => parseConfig({ SEARCH_BACKEND: 'elastic' })).toThrow(/SEARCH_BACKEND/);
    expect(() => parseConfig({ SOLR_COLLECTION: 'a b' })).toThrow(/SOLR_COLLECTION/);
  });

  it('fails once, naming every bad variable', () => {
    expect(() => parseConfig({ PORT: 'abc', LLM_BASE_URL: 'not a url', LLM_TIMEOUT_MS: '10', ALLOW_REMOTE_MODELS: 'yes', LOG_LEVEL: 'verbose' })).toThrow(
      /^invalid configuration: PORT: .*; ALLOW_REMOTE_MODELS: .*; LLM_BASE_URL: .*; LLM_TIMEOUT_MS: .*; LOG_LEVEL: /,
    );
  });
});

// Configuration: the environment, parsed once through zod and frozen. No other module reads process.env.
import { z } from 'zod';

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value && value.trim() !== '' ? value.trim() : undefined));

/** A number from the environment; an empty value (`PORT=` in an env file) means unset, not 0. */
const envNumber = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema);

const configSchema = z.object({
  PORT: envNumber(z.coerce.number().int().min(0).max(65535).default(8787)),
  HOST: z.string().min(1).default('127.0.0.1'),
  CORPUS_DIR: z.string().min(1).default('corpus'),
  INDEX_DIR: z.string().min(1).default('data/index'),
  EMBEDDING_MODEL: z.string().default('Xenova/bge-small-zh-v1.5'),
  MODELS_DIR: optionalText.transform((value) => value ?? 'models'),
  MODEL_MIRROR: optionalText.pipe(z.string().url().optional()),
  ALLOW_REMOTE_MODELS: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
  LLM_BASE_URL: optionalText.pipe(z.string().url().optional()),
  LLM_MODEL: z.string().default('deepseek-chat'),
  LLM_API_KEY: optionalText,
  LLM_TIMEOUT_MS: envNumber(z.coerce.number().int().min(1000).max(600_000).default(60_000)),
  LLM_MAX_TOKENS: envNumber(z.coerce.number().int().min(16).max(32_768).default(1024)),
  LLM_MAX_RETRIES: envNumber(z.coerce.number().int().min(0).max(10).default(2)),
  /** With an LLM: also search with the question rewritten in the documents' own wording. */
  LLM_REWRITE_QUERIES: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
  ADMIN_TOKEN: optionalText,
  RATE_LIMIT_PER_MINUTE: envNumber(z.coerce.number().int().min(0).default(120)),
  /** Reverse proxies in front of the server whose Forwarded / X-Forwarded-* headers are believed: `false` (0), `true` (1) or a count. */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value) => value.trim().toLowerCase())
    .pipe(z.union([z.enum(['', 'false', 'true']), z.string().regex(/^\d{1,2}$/, 'expected false, true or a number of proxies')]))
    .transform((value) => (value === 'true' ? 1 : value === 'false' || value === '' ? 0 : Number(value))),
  /** Vocabulary files (synonyms, jieba user dictionary, stop words); unset = the shipped files, empty = none. */
  SYNONYMS_FILE: z.string().optional(),
  USER_DICT_FILE: z.string().optional(),
  STOPWORDS_FILE: z.string().optional(),
  PLACES_FILE: z.string().optional(),
  LOG_LEVEL: z.enum(['silent', 'error', 'info', 'debug']).default('info'),
  /** Where lexical and dense candidates come from: the embedded index, or a SolrCloud collection (docs/scale-out.md). */
  SEARCH_BACKEND: z.enum(['embedded', 'solr']).default('embedded'),
  /** Solr node base URLs, comma-separated (`http://host:8983/solr`); the next one is tried when a node does not answer. */
  SOLR_URL: optionalText.pipe(
    z
      .string()
      .optional()
      .transform((value) => (value ? value.split(',').map((url) => url.trim().replace(/\/+$/, '')).filter(Boolean) : []))
      .pipe(z.array(z.string().url().regex(/^https?:\/\//, 'expected http(s) URLs'))),
  ),
  /** The alias the product's collections are published under; each index gets its own collection `<alias>_<fingerprint>`. */
  SOLR_COLLECTION: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,60}$/, 'letters, digits, . _ - only').default('policy-cite'),
  SOLR_CONFIGSET: z.string().min(1).default('policy-cite'),
  SOLR_SHARDS: envNumber(z.coerce.number().int().min(1).max(64).default(2)),
  SOLR_REPLICAS: envNumber(z.coerce.number().int().min(1).max(8).default(2)),
  /** Hybrid fusion: the product's reciprocal-rank fusion of two candidate lists, or one Solr query summing BM25 and kNN scores. */
  SOLR_FUSION: z.enum(['product', 'engine']).default('product'),
});

export type Config = Readonly<z.infer<typeof configSchema>>;

/** Parses an environment; throws one error naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const config = { ...parsed.data };
  if (config.SEARCH_BACKEND === 'solr' && config.SOLR_URL.length === 0) throw new Error('invalid configuration: SOLR_URL: SEARCH_BACKEND=solr needs the Solr node URLs (http://host:8983/solr, comma-separated)');
  if (config.EMBEDDING_MODEL.trim() === '' || config.EMBEDDING_MODEL === 'none') config.EMBEDDING_MODEL = '';
  return Object.freeze(config);
}

let loaded: Config | undefined;

/** The process configuration, parsed on first use. */
export function config(): Config {
  loaded ??= parseConfig(process.env);
  return loaded;
}

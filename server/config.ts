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
  LOG_LEVEL: z.enum(['silent', 'error', 'info', 'debug']).default('info'),
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
  if (config.EMBEDDING_MODEL.trim() === '' || config.EMBEDDING_MODEL === 'none') config.EMBEDDING_MODEL = '';
  return Object.freeze(config);
}

let loaded: Config | undefined;

/** The process configuration, parsed on first use. */
export function config(): Config {
  loaded ??= parseConfig(process.env);
  return loaded;
}

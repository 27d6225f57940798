// Writes a tiny, deterministic BERT-shaped embedding model (hand-encoded ONNX + WordPiece tokenizer) for tests.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Model id the fixture is written under; "bge" + "zh" so the query-prefix and CLS-pooling rules apply to it. */
export const TINY_MODEL_ID = 'tiny/bge-tiny-zh';

const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const ASCII_WORD_CHARACTERS = [...'0123456789abcdefghijklmnopqrstuvwxyz'];
const ASCII_PUNCTUATION = [...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'];
const CJK_PUNCTUATION = [...'，。、；：？！“”‘’（）《》〈〉【】「」『』—…·～'];
const MAX_SEQUENCE_LENGTH = 512;
const EMBEDDING_SEED = 0x5eed;
const corpusDirectory = resolve(dirname(fileURLToPath(import.meta.url)), '../corpus');

/**
 * Writes a complete transformers.js model folder under `directory/<modelId>/`: config.json, tokenizer.json,
 * tokenizer_config.json, onnx/model.onnx and onnx/model_quantized.onnx (identical bytes).
 *
 * The graph looks each token up in a seeded random embedding table (one unit vector per token, stored as
 * int8), so texts that share characters get close mean-pooled vectors. Position 0 ([CLS]) outputs the
 * masked mean of the whole sequence instead, so CLS pooling is meaningful too, as it is for real bge models.
 * `vocabulary` replaces the default character set (every GB2312 hanzi plus every character in corpus/*.txt);
 * special tokens, ASCII letters/digits/punctuation and common CJK punctuation are always included.
 */
export async function writeTinyModel({
  directory,
  dimensions = 32,
  vocabulary,
  modelId = TINY_MODEL_ID,
}: {
  directory: string;
  dimensions?: number;
  vocabulary?: Iterable<string>;
  modelId?: string;
}): Promise<{ modelId: string; directory: string }> {
  if (!Number.isInteger(dimensions) || dimensions < 2) throw new Error(`dimensions must be an integer ≥ 2, got ${dimensions}`);
  const tokens = buildTokenList(vocabulary ?? (await defaultCharacters()));
  const modelDirectory = join(directory, ...modelId.split('/'));
  await mkdir(join(modelDirectory, 'onnx'), { recursive: true });

  const model = encodeEmbeddingModel({ table: buildEmbeddingTable({ tokens, dimensions }), vocabularySize: tokens.length, dimensions });
  await Promise.all([
    writeFile(join(modelDirectory, 'config.json'), JSON.stringify(buildConfig({ dimensions, vocabularySize: tokens.length }), null, 2)),
    writeFile(join(modelDirectory, 'tokenizer.json'), JSON.stringify(buildTokenizer(tokens))),
    writeFile(join(modelDirectory, 'tokenizer_config.json'), JSON.stringify(buildTokenizerConfig(), null, 2)),
    writeFile(join(modelDirectory, 'onnx', 'model.onnx'), model),
    writeFile(join(modelDirectory, 'onnx', 'model_quantized.onnx'), model),
  ]);
  return { modelId, directory };
}

/** Every GB2312 hanzi (levels 1 and 2, 6763 characters) plus every character of the seed corpus. */
async function defaultCharacters(): Promise<Set<string>> {
  const characters = new Set<string>();
  const decoder = new TextDecoder('gb2312');
  for (let lead = 0xb0; lead <= 0xf7; lead++) {
    for (let trail = 0xa1; trail <= 0xfe; trail++) {
      const character = decoder.decode(new Uint8Array([lead, trail]));
      if (/^\p{Script=Han}$/u.test(character)) characters.add(character);
    }
  }
  if (existsSync(corpusDirectory)) {
    for (const name of await readdir(corpusDirectory)) {
      if (!name.endsWith('.txt')) continue;
      for (const character of await readFile(join(corpusDirectory, name), 'utf8')) characters.add(character);
    }
  }
  return characters;
}

/** Token list in id order: specials, ASCII word pieces (plain and ##-continued), punctuation, then the rest sorted. */
function buildTokenList(characters: Iterable<string>): string[] {
  const fixed = [
    ...SPECIAL_TOKENS,
    ...ASCII_WORD_CHARACTERS,
    ...ASCII_WORD_CHARACTERS.map((character) => `##${character}`),
    ...ASCII_PUNCTUATION,
    ...CJK_PUNCTUATION,
  ];
  const seen = new Set(fixed);
  const rest = [...new Set(characters)]
    // What the BertNormalizer removes or lowercases can never reach the vocabulary lookup.
    .filter((token) => token.trim() !== '' && token !== '\ufffd' && !/^\p{C}+$/u.test(token) && token === token.toLowerCase())
    .filter((token) => !seen.has(token))
    .sort();
  return [...fixed, ...rest];
}

/** One seeded unit vector per token (seeded by the token text, so a token's vector never depends on the vocabulary), quantised to int8. */
function buildEmbeddingTable({ tokens, dimensions }: { tokens: string[]; dimensions: number }): Int8Array {
  const vectors = tokens.map((token) => (token === '[PAD]' ? new Float64Array(dimensions) : randomUnitVector({ seed: hashText(token) ^ EMBEDDING_SEED, dimensions })));
  const largest = Math.max(...vectors.map((vector) => Math.max(...vector.map(Math.abs))));
  const table = new Int8Array(tokens.length * dimensions);
  vectors.forEach((vector, row) => vector.forEach((value, column) => (table[row * dimensions + column] = Math.round((value / largest) * 127))));
  return table;
}

function randomUnitVector({ seed, dimensions }: { seed: number; dimensions: number }): Float64Array {
  const random = mulberry32(seed);
  const vector = new Float64Array(dimensions);
  for (let index = 0; index < dimensions; index++) {
    // Box–Muller: gaussian components give directions spread uniformly over the sphere.
    vector[index] = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  }
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over UTF-16 code units. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}

function buildConfig({ dimensions, vocabularySize }: { dimensions: number; vocabularySize: number }) {
  return {
    _name_or_path: TINY_MODEL_ID,
    architectures: ['BertModel'],
    model_type: 'bert',
    hidden_size: dimensions,
    num_hidden_layers: 0,
    num_attention_heads: 1,
    intermediate_size: dimensions,
    hidden_act: 'gelu',
    max_position_embeddings: MAX_SEQUENCE_LENGTH,
    type_vocab_size: 2,
    vocab_size: vocabularySize,
    pad_token_id: 0,
    layer_norm_eps: 1e-12,
    transformers_version: '4.36.0',
  };
}

function buildTokenizer(tokens: string[]) {
  const ids = Object.fromEntries(tokens.map((token, id) => [token, id]));
  const special = (token: string) => ({ id: token, ids: [ids[token]], tokens: [token] });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content) => ({
      id: ids[content],
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': special('[CLS]'), '[SEP]': special('[SEP]') },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: ids },
  };
}

function buildTokenizerConfig() {
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    tokenize_chinese_chars: true,
    strip_accents: null,
    model_max_length: MAX_SEQUENCE_LENGTH,
    clean_up_tokenization_spaces: true,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    mask_token: '[MASK]',
  };
}

// ONNX enum values (onnx.proto): TensorProto.DataType and AttributeProto.AttributeType.
const FLOAT = 1;
const INT8 = 3;
const INT64 = 7;
const ATTRIBUTE_INT = 2;

/**
 * The graph (opset 13): token_embeddings = DequantizeLinear(Gather(table, input_ids));
 * last_hidden_state = Concat(masked mean of token_embeddings over the sequence, token_embeddings[:, 1:]).
 * token_type_ids is declared (so transformers.js feeds it, as for a real BERT) but unused.
 */
function encodeEmbeddingModel({ table, vocabularySize, dimensions }: { table: Int8Array; vocabularySize: number; dimensions: number }): Uint8Array {
  const sequenceInput = (name: string) => valueInfo({ name, elementType: INT64, shape: ['batch_size', 'sequence_length'] });
  const int64Vector = (name: string, values: bigint[]) => tensor({ name, dataType: INT64, dims: [values.length], raw: new Uint8Array(new BigInt64Array(values).buffer) });
  const graph = message([
    ...[
      node({ op: 'Gather', inputs: ['embedding_table', 'input_ids'], output: 'token_codes' }),
      node({ op: 'DequantizeLinear', inputs: ['token_codes', 'embedding_scale'], output: 'token_embeddings' }),
      node({ op: 'Cast', inputs: ['attention_mask'], output: 'mask_values', attributes: { to: FLOAT } }),
      node({ op: 'Unsqueeze', inputs: ['mask_values', 'axis_2'], output: 'mask_column' }),
      node({ op: 'Mul', inputs: ['token_embeddings', 'mask_column'], output: 'masked_embeddings' }),
      node({ op: 'ReduceSum', inputs: ['masked_embeddings', 'axis_1'], output: 'embedding_sum', attributes: { keepdims: 1 } }),
      node({ op: 'ReduceSum', inputs: ['mask_column', 'axis_1'], output: 'token_count', attributes: { keepdims: 1 } }),
      node({ op: 'Div', inputs: ['embedding_sum', 'token_count'], output: 'sentence_embedding' }),
      node({ op: 'Slice', inputs: ['token_embeddings', 'slice_start', 'slice_end', 'axis_1'], output: 'later_tokens' }),
      node({ op: 'Concat', inputs: ['sentence_embedding', 'later_tokens'], output: 'last_hidden_state', attributes: { axis: 1 } }),
    ].map((encoded) => lengthDelimited(1, encoded)),
    lengthDelimited(2, utf8('tiny_embedding_graph')),
    ...[
      tensor({ name: 'embedding_table', dataType: INT8, dims: [vocabularySize, dimensions], raw: new Uint8Array(table.buffer) }),
      tensor({ name: 'embedding_scale', dataType: FLOAT, dims: [], raw: new Uint8Array(new Float32Array([1 / 127]).buffer) }),
      int64Vector('axis_1', [1n]),
      int64Vector('axis_2', [2n]),
      int64Vector('slice_start', [1n]),
      int64Vector('slice_end', [2n ** 63n - 1n]),
    ].map((encoded) => lengthDelimited(5, encoded)),
    ...['input_ids', 'attention_mask', 'token_type_ids'].map((name) => lengthDelimited(11, sequenceInput(name))),
    lengthDelimited(12, valueInfo({ name: 'last_hidden_state', elementType: FLOAT, shape: ['batch_size', 'sequence_length', dimensions] })),
  ]);
  return message([
    varintField(1, 8), // ir_version
    lengthDelimited(2, utf8('policy-cite make-tiny-model')),
    lengthDelimited(3, utf8('1')),
    lengthDelimited(7, graph),
    lengthDelimited(8, message([lengthDelimited(1, utf8('')), varintField(2, 13)])), // opset_import: default domain, 13
  ]);
}

function node({ op, inputs, output, attributes = {} }: { op: string; inputs: string[]; output: string; attributes?: Record<string, number> }): Uint8Array {
  return message([
    ...inputs.map((input) => lengthDelimited(1, utf8(input))),
    lengthDelimited(2, utf8(output)),
    lengthDelimited(3, utf8(`${output}_node`)),
    lengthDelimited(4, utf8(op)),
    ...Object.entries(attributes).map(([name, value]) =>
      lengthDelimited(5, message([lengthDelimited(1, utf8(name)), varintField(3, value), varintField(20, ATTRIBUTE_INT)])),
    ),
  ]);
}

function tensor({ name, dataType, dims, raw }: { name: string; dataType: number; dims: number[]; raw: Uint8Array }): Uint8Array {
  return message([...dims.map((dim) => varintField(1, dim)), varintField(2, dataType), lengthDelimited(8, utf8(name)), lengthDelimited(9, raw)]);
}

function valueInfo({ name, elementType, shape }: { name: string; elementType: number; shape: (string | number)[] }): Uint8Array {
  const dimensions = shape.map((dim) => lengthDelimited(1, typeof dim === 'number' ? varintField(1, dim) : lengthDelimited(2, utf8(dim))));
  const tensorType = message([varintField(1, elementType), lengthDelimited(2, message(dimensions))]);
  return message([lengthDelimited(1, utf8(name)), lengthDelimited(2, lengthDelimited(1, tensorType))]);
}

// Protobuf wire format: a field is a varint key (field number << 3 | wire type) followed by its payload.
function varint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`cannot encode ${value} as an unsigned varint`);
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Uint8Array.from(bytes);
}

function varintField(field: number, value: number): Uint8Array {
  return message([varint(field * 8), varint(value)]);
}

function lengthDelimited(field: number, payload: Uint8Array): Uint8Array {
  return message([varint(field * 8 + 2), varint(payload.length), payload]);
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function message(parts: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

function readFlag(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const out = readFlag('--out');
  if (!out) {
    console.error('usage: tsx scripts/make-tiny-model.ts --out DIR [--dimensions N]');
    process.exit(2);
  }
  const dimensions = readFlag('--dimensions');
  const { modelId } = await writeTinyModel({ directory: resolve(out), dimensions: dimensions ? Number(dimensions) : undefined });
  console.log(modelId);
}

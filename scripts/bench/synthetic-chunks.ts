// Synthetic chunk sets for search scaling: corpus sentences and clauses recombined into new clauses,
// each with a clustered vector (document + section + the pieces it is made of + noise).
import { bigrams, tokenize } from '../../server/rag/tokenize.js';
import type { IndexedChunk, PolicyDocument } from '../../server/rag/types.js';
import type { CorpusPieces, CorpusSection } from './corpus-pieces.js';
import { createRandom, type Random } from './random.js';
import { addScaled, normalize, randomUnit } from './vectors.js';

export interface SyntheticChunkSet {
  documents: PolicyDocument[];
  chunks: IndexedChunk[];
  vectors: Float32Array[];
  dimensions: number;
  /** A query vector near the chunks of a corpus section (as a real query about it would be). */
  queryVector(sectionIndex: number, seed: number): number[];
  /** Corpus section whose text best matches a question's evidence quote, if any. */
  sectionOf(quote: string): number | undefined;
}

export const chunksPerDocument = 40;

/**
 * Weights of the vector model: shared document and section directions make the clusters, shared topics
 * and the pieces a chunk is made of give them inner structure, noise keeps neighbours from being trivial
 * (nearest neighbour cosine ≈ 0.7, tenth ≈ 0.6, random pairs ≈ 0.04 with these weights).
 */
export const vectorWeights = { document: 1.0, section: 1.2, piece: 1.0, topic: 1.0, noise: 0.8, queryNoise: 0.8 };
/** Shared fine-grained topics: each chunk mixes three, which links neighbourhoods across sections. */
export const topicModel = { topics: 2048, perSection: 16 };

/**
 * Builds `size` chunks in documents of 40 (chunk i is the same for every size, so smaller sets are
 * prefixes of larger ones). A chunk is 2–5 sentences (≤ 400 characters, ~220 on average like the corpus's) of one corpus section: a real sentence (35%),
 * clauses of the section recombined into a new sentence (55%), or clauses of another section of the
 * same document (10%). Word tokens are left empty: {@link tokenizeChunks} fills them (the slow part,
 * so it can overlap the HNSW build).
 */
export function buildSyntheticChunks({ pieces, size, dimensions, seed = 7 }: { pieces: CorpusPieces; size: number; dimensions: number; seed?: number }): SyntheticChunkSet {
  const random = createRandom(seed);
  const vectorRandom = createRandom(seed ^ 0x9e3779b9);
  const documentDirections = pieces.documents.map(() => randomUnit(vectorRandom, dimensions));
  const sectionDirections = pieces.sections.map(() => randomUnit(vectorRandom, dimensions));
  const sentenceDirections = pieces.sections.map((section) => section.sentences.map(() => randomUnit(vectorRandom, dimensions)));
  const clauseDirections = pieces.sections.map((section) => section.clauses.map(() => randomUnit(vectorRandom, dimensions)));
  const topicDirections = Array.from({ length: topicModel.topics }, () => randomUnit(vectorRandom, dimensions));
  const sectionTopics = pieces.sections.map(() => Array.from({ length: topicModel.perSection }, () => vectorRandom.int(topicModel.topics)));
  const addTopics = (vector: Float32Array, section: number, from: Random, count: number) => {
    for (let t = 0; t < count; t++) {
      const topic = t < 2 ? from.pick(sectionTopics[section]) : from.int(topicModel.topics);
      addScaled(vector, topicDirections[topic], vectorWeights.topic * (0.3 + 0.7 * from.next()));
    }
  };
  const contextCache = new Map<string, string[]>();

  const documents: PolicyDocument[] = [];
  const chunks: IndexedChunk[] = [];
  const vectors: Float32Array[] = [];
  for (let d = 0; chunks.length < size; d++) {
    const source = pieces.documents[random.int(pieces.documents.length)];
    const sourceIndex = pieces.documents.indexOf(source);
    const id = `syn-${String(d).padStart(5, '0')}`;
    const title = source.title.replace(/》$/, `（汇编第${d + 1}号）》`);
    const parts: string[] = [];
    let offset = 0;
    const count = Math.min(chunksPerDocument, size - chunks.length);
    const firstSection = random.int(source.sections.length);
    for (let c = 0; c < count; c++) {
      const section = source.sections[(firstSection + Math.floor((c * source.sections.length) / count)) % source.sections.length];
      const { text, used } = composeClause(random, section, source.sections);
      const vector = new Float32Array(dimensions);
      addScaled(vector, documentDirections[sourceIndex], vectorWeights.document);
      addScaled(vector, sectionDirections[section.index], vectorWeights.section);
      for (const piece of used) {
        const direction = piece.kind === 'sentence' ? sentenceDirections[piece.section][piece.index] : clauseDirections[piece.section][piece.index];
        addScaled(vector, direction, vectorWeights.piece / Math.sqrt(used.length));
      }
      addTopics(vector, section.index, vectorRandom, 3);
      addScaled(vector, randomUnit(vectorRandom, dimensions), vectorWeights.noise);
      vectors.push(normalize(vector));

      const contextKey = `${title}|${section.path.join('›')}`;
      let contextTokens = contextCache.get(contextKey);
      if (!contextTokens) contextCache.set(contextKey, (contextTokens = tokenize([title, source.region ?? '', ...section.path].join(' '))));
      if (contextCache.size > 5000) contextCache.clear();
      if (parts.length > 0) offset += 2;
      chunks.push({
        id: `${id}:${String(c).padStart(4, '0')}`,
        documentId: id,
        text,
        start: offset,
        end: offset + text.length,
        section: section.path,
        tokens: [],
        contextTokens,
      });
      parts.push(text);
      offset += text.length;
    }
    const text = parts.join('\n\n');
    documents.push({ id, title, file: `${id}.txt`, region: source.region, text, contentHash: id, sections: [] });
  }

  const sectionByBigrams = pieces.sections.map((section) => new Set(bigrams(section.sentences.join(''))));
  return {
    documents,
    chunks,
    vectors,
    dimensions,
    queryVector(sectionIndex, querySeed) {
      const queryRandom = createRandom(querySeed);
      const section = pieces.sections[sectionIndex];
      const vector = new Float32Array(dimensions);
      addScaled(vector, documentDirections[section.documentIndex], vectorWeights.document);
      addScaled(vector, sectionDirections[section.index], vectorWeights.section);
      const sentence = queryRandom.int(section.sentences.length);
      addScaled(vector, sentenceDirections[section.index][sentence], vectorWeights.piece);
      addTopics(vector, section.index, queryRandom, 2);
      addScaled(vector, randomUnit(queryRandom, dimensions), vectorWeights.queryNoise);
      return Array.from(normalize(vector));
    },
    sectionOf(quote) {
      const grams = bigrams(quote);
      if (grams.length === 0) return undefined;
      let best: number | undefined;
      let bestShare = 0.5;
      sectionByBigrams.forEach((set, index) => {
        const share = grams.filter((gram) => set.has(gram)).length / grams.length;
        if (share > bestShare) [best, bestShare] = [index, share];
      });
      return best;
    },
  };
}

interface UsedPiece {
  kind: 'sentence' | 'clause';
  section: number;
  index: number;
}

/** One synthetic clause of at most 400 characters (the splitter's maxChars), and the corpus pieces it was made of. */
function composeClause(random: Random, section: CorpusSection, siblings: CorpusSection[]): { text: string; used: UsedPiece[] } {
  const sentences: string[] = [];
  const used: UsedPiece[] = [];
  const wanted = 2 + random.int(4);
  let chars = 0;
  while (sentences.length < wanted && chars < 360) {
    const roll = random.next();
    let sentence: string;
    if (roll < 0.35 || section.clauses.length < 2) {
      const index = random.int(section.sentences.length);
      sentence = section.sentences[index];
      used.push({ kind: 'sentence', section: section.index, index });
    } else {
      const from = roll < 0.9 ? section : random.pick(siblings);
      const pool = from.clauses.length >= 2 ? from : section;
      const clauses: string[] = [];
      const n = 2 + random.int(3);
      for (let i = 0; i < n && pool.clauses.length > 0; i++) {
        const index = random.int(pool.clauses.length);
        clauses.push(pool.clauses[index]);
        used.push({ kind: 'clause', section: pool.index, index });
      }
      sentence = `${clauses.join('，')}。`;
    }
    if (chars > 0 && chars + sentence.length > 400) break;
    sentences.push(sentence);
    chars += sentence.length;
  }
  return { text: sentences.join(''), used };
}

/** Fills each chunk's `tokens` with `tokenize(text)`, as ingestion computes them. */
export function tokenizeChunks(chunks: IndexedChunk[]): void {
  for (const chunk of chunks) if (chunk.tokens.length === 0) chunk.tokens = tokenize(chunk.text);
}

// The policy-cite config set scores as the product does: its BM25 parameters are the embedded index's.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bm25Defaults } from '../../server/rag/bm25-index';
import { vectorFieldDimensions } from '../../server/rag/cluster-index';

const schema = readFileSync(new URL('./configset/conf/schema.xml', import.meta.url), 'utf8');

/** k1 and b of a field type's BM25 similarity. */
function similarityOf(fieldType: string): { k1: number; b: number } {
  const block = schema.match(new RegExp(`<fieldType name="${fieldType}"[\\s\\S]*?</fieldType>`))?.[0] ?? '';
  const value = (name: string) => Number(block.match(new RegExp(`<float name="${name}">([\\d.]+)</float>`))?.[1]);
  return { k1: value('k1'), b: value('b') };
}

describe('the policy-cite config set', () => {
  it("scores words and bigrams with the product's BM25 k1 and b, and headings with its lighter length norm", () => {
    expect(similarityOf('tokens')).toEqual({ k1: bm25Defaults.k1, b: bm25Defaults.b });
    // The heading field's b (0.3) is the one Bm25Index gives its context field.
    expect(similarityOf('heading_tokens')).toEqual({ k1: bm25Defaults.k1, b: 0.3 });
  });

  it('has a vector field for every dimension the cluster index accepts', () => {
    for (const dimensions of vectorFieldDimensions) {
      expect(schema).toContain(`<fieldType name="vector_${dimensions}" class="solr.DenseVectorField" vectorDimension="${dimensions}" similarityFunction="cosine"`);
      expect(schema).toContain(`<field name="vector_${dimensions}" type="vector_${dimensions}" indexed="true" stored="false"/>`);
    }
  });
});

/**
 * Reading scores and attention maps of a list of queries out of a MeDSLIP forward pass. Observation queries
 * come from a pass with the plain books; prompt queries from a pass with the prompts appended to the pathology
 * book (see books.ts for why the two are kept apart).
 */
import * as torch from '../../torch/index.ts';
import { MeDSLIP, type Books } from '../../models/medslip.ts';
import { NUM_OBSERVATIONS } from '../../vocabulary.ts';
import { disposeBooks, withPromptQueries, type TextEncoder } from './books.ts';
import type { Query } from './targets.ts';

/** Where each query's row is: in the plain pass or the prompt pass, and at which pathology row. */
interface Placement { pass: 'plain' | 'prompt'; row: number }

export interface QueryPlan {
  readonly queries: readonly Query[];
  /** P(present) of every query, row-major (B, queries.length). Call inside inferenceMode + scope. */
  presence(model: MeDSLIP, images: torch.Tensor): Float32Array;
  /** The layer-mean, head-mean cross-attention of query `k` over the image tokens, (B, T) row-major. */
  attention(model: MeDSLIP, images: torch.Tensor, k: number): { data: Float32Array; tokens: number };
  release(): void;
}

/**
 * Prepares the books for `queries`; prompts are encoded once here.
 * @throws Error when a prompt query is asked for without `encodeText`.
 */
export async function planQueries(queries: readonly Query[], books: Books, encodeText?: TextEncoder): Promise<QueryPlan> {
  const prompts = queries.flatMap((q) => (q.kind === 'prompt' ? [q.text] : []));
  const uniquePrompts = [...new Set(prompts)];
  if (uniquePrompts.length > 0 && encodeText === undefined) {
    throw new Error(`Scoring ${uniquePrompts.map((p) => `"${p}"`).join(', ')} needs a text encoder: pass encodeText (texts → Tensor (N, E)) in the books' text space`);
  }
  if (encodeText !== undefined && typeof encodeText !== 'function') throw new TypeError('Expected a function (texts → Tensor (N, E)) for encodeText');
  const promptBooks = uniquePrompts.length > 0 ? await withPromptQueries(books, uniquePrompts, encodeText!) : undefined;
  const placements: Placement[] = queries.map((q) => (q.kind === 'observation'
    ? { pass: 'plain', row: q.index }
    : { pass: 'prompt', row: NUM_OBSERVATIONS + uniquePrompts.indexOf(q.text) }));
  const booksOf = (pass: Placement['pass']): Books => (pass === 'plain' ? books : promptBooks!);

  return {
    queries,
    presence(model, images) {
      const batch = images.shape[0];
      const out = new Float32Array(batch * queries.length);
      for (const pass of ['plain', 'prompt'] as const) {
        const columns = placements.flatMap((p, k) => (p.pass === pass ? [k] : []));
        if (columns.length === 0) continue;
        const rows = torch.tensor(columns.map((k) => placements[k].row), { dtype: 'int64', device: images.device });
        const logits = model.forward(images, booksOf(pass)).logitsPathology; // (B, Q, 2)
        const selected = MeDSLIP.presence(logits).indexSelect(1, rows).contiguous().toFloat32Array(); // (B, columns)
        for (let b = 0; b < batch; b++) {
          columns.forEach((k, j) => { out[b * queries.length + k] = selected[b * columns.length + j]; });
        }
      }
      return out;
    },
    attention(model, images, k) {
      const placement = placements[k];
      const attention = model.forward(images, booksOf(placement.pass)).attnPathology; // (B, N, Q, T)
      const map = MeDSLIP.queryAttention(attention, placement.row).contiguous(); // (B, T)
      return { data: map.toFloat32Array(), tokens: map.shape[1] };
    },
    release() {
      if (promptBooks) disposeBooks(promptBooks);
    },
  };
}

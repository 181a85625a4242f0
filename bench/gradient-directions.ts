/**
 * How alike are the gradients that single findings send into the trunk at initialisation? For each init, the
 * demo's model (ResNet-18 to layer3, dModel 256, 2 + 2 layers) and one batch of the demo's training images: the
 * existence loss of one finding at a time (its pathology label kept, every other label ignored), the gradient of
 * layer3's parameters, and the cosine between every pair of findings. A chain of Gaussian maps between the image
 * and the logits sends them all along the same few directions; orthogonal maps with orthogonal attention queries
 * and keys do not, but with the queries and keys that `init: 'orthogonal'` keeps (the reference's, uniform
 * attention at the start) the cosines are as high as the reference's, and that init learns best: alike gradients
 * at the first step are not what holds learning back (docs/learning.md, "Orthogonal init").
 *
 *   node --import tsx bench/gradient-directions.ts [--inits reference,pytorch,orthogonal] [--seeds 1,2] [--batch-size 64]
 */
import { parseArgs } from 'node:util';
import * as torch from '../src/torch/index.ts';
import { MeDSLIP, type MedslipInit, type PretrainBatch } from '../src/models/medslip.ts';
import { demoConfig } from '../src/tasks/demo.ts';
import { validate } from '../src/tasks/pretrain/config.ts';
import { openPretrainLoaders } from '../src/tasks/pretrain/data.ts';
import { booksAsTensors, encodeBooks } from '../src/text/encode-books.ts';
import { NUM_OBSERVATIONS, observationIndex } from '../src/vocabulary.ts';

const { values } = parseArgs({
  options: {
    inits: { type: 'string', default: 'reference,pytorch,orthogonal' },
    seeds: { type: 'string', default: '1,2' },
    'batch-size': { type: 'string', default: '64' },
  },
});
const FINDINGS = ['effusion', 'pneumothorax', 'consolidation', 'atelectasis', 'edema', 'pneumonia', 'nodule', 'mass'];
const NO_CONTRAST = { cePathology: 1, clPathology: 0, ceAnatomy: 0, clAnatomy: 0, ap: 0 };

const config = validate({ ...demoConfig({ images: 1200, seed: 1, epochs: 1 }), batchSize: Number(values['batch-size']), workers: 1 });
const loaders = await openPretrainLoaders(config);
let batch: PretrainBatch | undefined;
for await (const first of loaders.train.epoch(0)) { batch = first; break; }
if (!batch) throw new Error('the demo data gave no training batch');
const encoded = encodeBooks({ maxLength: config.maxLength });
const books = booksAsTensors(encoded.pathology, encoded.anatomy, encoded.dim);

/** The batch's pathology labels with every column but `column` set to −1 (ignored). */
function onlyColumn(labels: torch.Tensor, column: number): torch.Tensor {
  const isColumn = torch.arange(NUM_OBSERVATIONS).eq(column).unsqueeze(0).expand(labels.shape[0], NUM_OBSERVATIONS);
  return labels.where(isColumn, -1);
}

console.log(`layer3 gradient cosines between ${FINDINGS.length} findings (${FINDINGS.length * (FINDINGS.length - 1) / 2} pairs), batch of ${config.batchSize} demo images`);
for (const init of values.inits.split(',') as MedslipInit[]) {
  for (const seed of values.seeds.split(',').map(Number)) {
    torch.manualSeed(seed);
    const model = new MeDSLIP({ backbone: 'resnet18', dModel: 256, heads: 4, layers: 2, dropout: 0, textDim: encoded.dim, init });
    const layer3 = [...model.namedParameters()].filter(([name]) => name.startsWith('res_features.6.')).map(([, p]) => p);
    const cosines = torch.scope(() => {
      const gradients = FINDINGS.map((finding) => {
        model.zeroGrad();
        model.losses({ ...batch, labelPathology: onlyColumn(batch.labelPathology, observationIndex(finding)) }, books, NO_CONTRAST).loss.backward();
        const flat = torch.cat(layer3.map((p) => p.grad!.reshape(-1)));
        const norm = flat.norm().item();
        if (norm === 0) throw new Error(`no labelled ${finding} in the batch: use a larger --batch-size`);
        return flat.div(norm);
      });
      const pairs: number[] = [];
      for (let a = 0; a < gradients.length; a++) {
        for (let b = a + 1; b < gradients.length; b++) pairs.push(gradients[a].mul(gradients[b]).sum().item());
      }
      return pairs;
    });
    const mean = cosines.reduce((sum, c) => sum + c, 0) / cosines.length;
    console.log(`${init.padEnd(10)} seed ${seed}: mean cosine ${mean.toFixed(3)}, min ${Math.min(...cosines).toFixed(2)}, max ${Math.max(...cosines).toFixed(2)}`);
    model.dispose();
  }
}
await loaders.train.close();
await loaders.valid.close();

/**
 * `medslip smoke`: a seconds-long end-to-end check that the engine trains: a small MLP learns a synthetic
 * regression with AdamW-style manual updates, and the loss must fall by 10× (exit code 1 otherwise).
 */
import * as torch from '../torch/index.ts';

/** The loss must fall by this factor for the engine to count as training. */
export const SMOKE_LOSS_FACTOR = 10;

export function runSmoke(log: (line: string) => void = console.log): { firstLoss: number; lastLoss: number; passed: boolean } {
  torch.manualSeed(0);
  const x = torch.randn([256, 8]).keep();
  const target = x.matmul(torch.randn([8, 1])).tanh().keep();
  const w1 = torch.randn([32, 8]).mul(0.3).requiresGrad_().keep();
  const w2 = torch.randn([1, 32]).mul(0.3).requiresGrad_().keep();
  const lossAt = (): torch.Tensor => torch.nnf.mseLoss(torch.nnf.linear(torch.nnf.linear(x, w1).tanh(), w2), target);
  const firstLoss = torch.scope(() => lossAt().item());
  let lastLoss = firstLoss;
  for (let step = 1; step <= 500; step++) {
    lastLoss = torch.scope(() => {
      const loss = lossAt();
      loss.backward();
      torch.noGrad(() => {
        for (const p of [w1, w2]) {
          const grad = p.grad!;
          p.add_(grad, -0.2);
          grad.zero_();
        }
      });
      return loss.item();
    });
    if (step % 100 === 0) log(`step ${step}: loss ${lastLoss.toFixed(5)}`);
  }
  for (const t of [x, target, w1, w2]) t.dispose();
  return { firstLoss, lastLoss, passed: lastLoss < firstLoss / SMOKE_LOSS_FACTOR };
}

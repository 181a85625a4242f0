/** Weight initialisers, PyTorch's torch.nn.init: each fills a tensor in place without recording gradients. */
import * as torch from '../torch/index.ts';

/** (fan_in, fan_out) as PyTorch computes them: dims 1 and 0 times the receptive field. */
export function fans(tensor: torch.Tensor): { fanIn: number; fanOut: number } {
  const shape = tensor.shape;
  if (shape.length < 2) throw new RangeError(`Expected a tensor with at least 2 dimensions for fan computation but received ${shape.length}`);
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

export const uniform_ = (t: torch.Tensor, low: number, high: number): torch.Tensor => torch.noGrad(() => t.uniform_(low, high));
export const normal_ = (t: torch.Tensor, mean = 0, std = 1): torch.Tensor => torch.noGrad(() => t.normal_(mean, std));
export const zeros_ = (t: torch.Tensor): torch.Tensor => torch.noGrad(() => t.zero_());
export const ones_ = (t: torch.Tensor): torch.Tensor => torch.noGrad(() => t.fill_(1));

/** Kaiming-uniform with leaky-ReLU slope a (PyTorch's Linear/Conv default uses a = √5: bound 1/√fan_in). */
export function kaimingUniform_(t: torch.Tensor, a = 0, mode: 'fanIn' | 'fanOut' = 'fanIn'): torch.Tensor {
  const fan = fans(t)[mode];
  const gain = Math.sqrt(2 / (1 + a * a));
  const bound = gain * Math.sqrt(3 / fan);
  return uniform_(t, -bound, bound);
}

/** Kaiming-normal for ReLU networks (torchvision's ResNet convs use mode fanOut). */
export function kaimingNormal_(t: torch.Tensor, mode: 'fanIn' | 'fanOut' = 'fanIn'): torch.Tensor {
  const fan = fans(t)[mode];
  return normal_(t, 0, Math.SQRT2 / Math.sqrt(fan));
}

export function xavierUniform_(t: torch.Tensor, gain = 1): torch.Tensor {
  const { fanIn, fanOut } = fans(t);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound);
}

/**
 * A (semi-)orthogonal matrix times `gain`, as torch.nn.init.orthogonal_: the Q of a QR decomposition of a standard
 * normal matrix (transposed when it has fewer rows than columns), its signs fixed by R's diagonal so that the
 * result is uniformly distributed. Every singular value is `gain`: a chain of such maps preserves each direction's
 * length, where a chain of Gaussian maps shrinks most of them.
 */
export function orthogonal_(t: torch.Tensor, gain = 1): torch.Tensor {
  if (t.ndim < 2) throw new RangeError(`Expected a tensor with at least 2 dimensions for orthogonal_ but received ${t.ndim}`);
  const rows = t.shape[0];
  const cols = t.numel / rows;
  torch.noGrad(() => torch.scope(() => {
    const tall = rows < cols ? torch.randn([cols, rows]) : torch.randn([rows, cols]);
    const [q, r] = torch.aten<torch.Tensor[]>('aten::linalg_qr', tall, 'reduced');
    const fixed = q.mul(torch.aten('aten::diagonal', r, 0, 0, 1).sign());
    t.copy_((rows < cols ? fixed.t() : fixed).reshape(...t.shape).mul(gain));
  }));
  return t;
}

/** PyTorch's default bias init for Linear/Conv: U(±1/√fan_in) of the weight. */
export function defaultBias_(bias: torch.Tensor, weight: torch.Tensor): torch.Tensor {
  const bound = 1 / Math.sqrt(fans(weight).fanIn);
  return uniform_(bias, -bound, bound);
}

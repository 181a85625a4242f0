/**
 * Tolerances of the model parity tests, in one place, and why they hold on every CPU.
 *
 * The reference fixtures come in two precisions. The float32 files are one machine's float32 rounding; another
 * CPU sums in another order (its kernels block and vectorise differently) and lands elsewhere, as the reference
 * code itself does: run in float32 on a 2-core AMD EPYC it differs from the float32 files by up to 1.6e-4 on the
 * ResNet-18 gradients and 3.2e-4 on the ResNet-50 logits. So the parity tests compare against the float64
 * ground truth (`expected64`, `grads64`: the reference run in double precision):
 *
 * 1. medslip in float64 against the truth, tightly. This proves the math on any CPU: what is left is float64
 *    rounding (~1e-13 here), plus two float32 roundings that are in the truth itself (below).
 * 2. medslip in float32 against the truth, within MULTIPLE × the reference's own float32 error against the same
 *    truth, the worst of the two CPUs on which it was measured (fixtures README). A port whose float32 error is
 *    of the reference's own size passes on any CPU where the reference itself would.
 *
 * On a GPU (MEDSLIP_TEST_DEVICE=cuda, run by scripts/gpu-check.sh) the same limits apply, with TF32 off
 * (fixtures.ts): float64 is IEEE double there too, so (1) holds as on a CPU; float32 GPU kernels sum in yet another
 * order (cuDNN picks its convolution algorithm per shape), and the limits of (2) are the CPU's until a GPU run
 * measures otherwise — the tests print every max |Δ| beside its limit, and scripts/gpu-check.sh collects them.
 * Measured on a GPU: not yet (no GPU was available when these lines were written).
 */

/** The reference's float32 error against the float64 truth, worst of the fixture machine and an AMD EPYC. */
export const REFERENCE_FP32_ERROR = {
  /** ResNet-18 fixture: eval outputs and losses (≤ 1e-6), per unit of max(1, |value|). */
  r18Outputs: 1e-6,
  /** ResNet-18 fixture: gradients (2.1e-6 on the fixture machine, 1.6e-4 on the AMD machine). */
  r18Gradients: 1.6e-4,
  /** ResNet-50 checkpoint: logits (2.1e-4 / 3.2e-4). */
  r50Logits: 3.2e-4,
  /** ResNet-50 checkpoint: probabilities (2.6e-5 / 3.5e-5). */
  r50Probabilities: 3.5e-5,
  /** ResNet-50 checkpoint: head-averaged attention maps (1.8e-3 / 3.1e-3). */
  r50Attention: 3.1e-3,
} as const;

/** medslip's float32 may be this many times as far from the truth as the reference's float32 is. */
export const MULTIPLE = 3;

/** float64 outputs against the float64 truth, per unit of max(1, |value|): float64 rounding only. */
export const FLOAT64_OUTPUTS = 1e-10;

/**
 * The reference computes the intra-image loss on `ap_logits.float()` even in its float64 run, so `train.loss_ap`
 * (and `train.loss`, which sums it) carry one float32 rounding: ≤ 2⁻²⁴ ≈ 6e-8 relative. Bound: 1e-7 relative.
 */
export const FLOAT64_LOSS_AP_RELATIVE = 1e-7;

/**
 * `grads64` is float64 gradients stored rounded to float32 (≤ 6e-8 relative), and the gradients that flow back
 * through the intra-image loss carry its float32 rounding (~1e-7 relative). Bound, relative to each tensor's
 * largest gradient: 5e-7 (measured: 8.6e-8).
 */
export const FLOAT64_GRADIENTS_RELATIVE = 5e-7;

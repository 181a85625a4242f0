/**
 * Training checkpoints: model weights, AdamW moments and a JSON state, saved and switched in as one set
 * (src/io/checkpoint-set.ts: a crash or a full disk mid-save leaves the previous checkpoint or the new one,
 * never a mix). Checkpoint PREFIX (e.g. runs/try/best) is PREFIX.json, the manifest with the state, and its data
 * files PREFIX.set-<id>.safetensors (the model's state dict, PyTorch names, loadable by any safetensors reader)
 * and PREFIX.set-<id>.optimizer.safetensors (`<param>.exp_avg` / `<param>.exp_avg_sq`).
 *
 * The state holds what a resumed run needs to continue exactly: the model config, the image size trained at,
 * the optimizer's step counts and lr, the global random generators' states (dropout draws from them), and the
 * caller's own state (epoch, step, run config, …). The data loader has no state to save: its order,
 * augmentation and ProtoCL draws are pure functions of (seed, epoch, index) (src/data/loader/seeds.ts).
 *
 * `readModelWeights` also reads bare .safetensors state dicts, the reference's PyTorch checkpoints (.pth/.bin,
 * `{"model": …}`) and medslip-checkpoint-1 triples, in every form `resolveCheckpoint` accepts.
 */
import * as torch from '../torch/index.ts';
import type { Module } from '../nn/index.ts';
import type { AdamW } from '../optim/adamw.ts';
import { openCheckpointSet, writeCheckpointSet, SET_FORMAT, type OpenedSet, type SetPart } from './checkpoint-set.ts';
import { resolveCheckpoint } from './resolve-checkpoint.ts';
import { readSafetensors, writeSafetensors } from './safetensors.ts';
import { loadCheckpoint } from './pth.ts';
import type { RawTensor } from './raw-tensor.ts';

export const CHECKPOINT_FORMAT = SET_FORMAT;

export interface CheckpointState {
  format: string;
  /** Model architecture (what rebuilds the module). */
  modelConfig: Record<string, unknown>;
  /** Side of the square images the model was trained on, when known. */
  imageSize?: number;
  /** Device ('cpu', 'cuda:0') → base64 state of its global generator at the save. */
  generators?: Record<string, string>;
  /** Everything else the caller wants back (epoch, step, run config, scheduler, best metric, …). */
  [key: string]: unknown;
}

export interface CheckpointParts {
  model: Module;
  modelConfig: object;
  optimizer?: AdamW;
  state?: Record<string, unknown>;
  /** Side of the square images the model was trained on; predict and zero-shot default to it. */
  imageSize?: number;
  /** Called after each file of the save is in place ('model', 'optimizer', 'manifest', 'previous removed'). */
  onStage?: (stage: string) => void;
}

const toRaw = (t: torch.Tensor): RawTensor => torch.toRaw(t) as RawTensor;
const IMAGE_SIZE_KEY = 'medslip_image_size';

/**
 * Saves model (+ optimizer), state and generator states as the checkpoint `prefix` (see the file header).
 * @throws Error naming the file that could not be written (e.g. ENOSPC); the previous checkpoint then stays whole
 */
export function saveCheckpoint(prefix: string, parts: CheckpointParts): void {
  const setParts: SetPart[] = [{
    role: 'model', suffix: '.safetensors', write: (path) => {
      const weights = new Map<string, RawTensor>();
      for (const [name, tensor] of parts.model.stateDict()) weights.set(name, toRaw(tensor));
      const metadata: Record<string, string> = { format: 'pt', medslip: JSON.stringify(parts.modelConfig) };
      if (parts.imageSize !== undefined) metadata[IMAGE_SIZE_KEY] = String(parts.imageSize);
      return writeSafetensors(path, weights, metadata);
    },
  }];
  const optimizerSteps: Record<string, number> = {};
  if (parts.optimizer) {
    const optimizer = parts.optimizer;
    setParts.push({
      role: 'optimizer', suffix: '.optimizer.safetensors', write: (path) => {
        const moments = new Map<string, RawTensor>();
        for (const [name, s] of optimizer.stateByName()) {
          moments.set(`${name}.exp_avg`, toRaw(s.expAvg));
          moments.set(`${name}.exp_avg_sq`, toRaw(s.expAvgSq));
          optimizerSteps[name] = s.step;
        }
        return writeSafetensors(path, moments);
      },
    });
  }
  const devices = new Set<torch.Device>(['cpu', parts.model.parameters()[0]?.device ?? 'cpu']);
  const generators = Object.fromEntries([...devices].map((device) =>
    [device, Buffer.from(torch.getRngState(device)).toString('base64')]));
  writeCheckpointSet(prefix, setParts, {
    ...parts.state,
    modelConfig: { ...parts.modelConfig },
    ...(parts.imageSize !== undefined ? { imageSize: parts.imageSize } : {}),
    generators,
    optimizer: parts.optimizer ? { lr: parts.optimizer.lr, steps: optimizerSteps } : null,
  }, parts.onStage);
}

export interface LoadedCheckpoint {
  /** The manifest's path (PREFIX.json). */
  path: string;
  state: CheckpointState;
  weights: Map<string, RawTensor>;
  /** The image side the model was trained on, when recorded. */
  imageSize?: number;
  /** Restores the optimizer's moments and step counts (call after building it for the same parameters). */
  restoreOptimizer(optimizer: AdamW): void;
  /**
   * Sets the global generators back to their state at the save (call after building the model, whose init
   * draws from them). Returns false for a checkpoint that recorded none (medslip-checkpoint-1).
   */
  restoreGenerators(): boolean;
}

/** The prefix of a checkpoint given as PREFIX, PREFIX.json or PREFIX.safetensors. */
export function checkpointPrefix(path: string): string {
  return path.replace(/\.(json|safetensors)$/, '');
}

/**
 * Reads a medslip checkpoint (PREFIX, PREFIX.json or PREFIX.safetensors), checking its files against the manifest.
 * @throws Error naming the file when the manifest is missing, unreadable or of another format, or when a data
 *   file is missing, of the wrong size or damaged
 */
export function readCheckpoint(path: string): LoadedCheckpoint {
  const set = openCheckpointSet(checkpointPrefix(path));
  const state = set.manifest as CheckpointState;
  const weights = readSafetensors(set.read('model')).tensors;
  return {
    path: set.manifestPath,
    state,
    weights,
    imageSize: recordedImageSize(state),
    restoreOptimizer: (optimizer) => restoreOptimizer(set, state, optimizer),
    restoreGenerators(): boolean {
      if (!state.generators) return false;
      for (const [device, base64] of Object.entries(state.generators)) {
        torch.setRngState(new Uint8Array(Buffer.from(base64, 'base64')), device as torch.Device);
      }
      return true;
    },
  };
}

function restoreOptimizer(set: OpenedSet, state: CheckpointState, optimizer: AdamW): void {
  const saved = state.optimizer as { steps: Record<string, number> } | null;
  if (!saved) return;
  const file = set.read('optimizer');
  const moments = readSafetensors(file).tensors;
  const restored = new Map<string, { step: number; expAvg: torch.Tensor; expAvgSq: torch.Tensor }>();
  torch.scope(() => {
    for (const [name, step] of Object.entries(saved.steps)) {
      const expAvg = moments.get(`${name}.exp_avg`), expAvgSq = moments.get(`${name}.exp_avg_sq`);
      if (!expAvg || !expAvgSq) throw new Error(`${file.name} lacks the moments of "${name}"`);
      restored.set(name, { step, expAvg: torch.fromRaw(expAvg), expAvgSq: torch.fromRaw(expAvgSq) });
    }
    optimizer.loadStateByName(restored);
  });
}

/**
 * The image side a checkpoint (any form `resolveCheckpoint` accepts) was trained at, when it records one; reads
 * only a medslip checkpoint's manifest, not its weights.
 */
export function checkpointImageSize(path: string): number | undefined {
  const resolved = resolveCheckpoint(path);
  return resolved.kind === 'medslip' ? recordedImageSize(openCheckpointSet(resolved.prefix).manifest as CheckpointState) : undefined;
}

/** The image size of a checkpoint state: recorded by medslip-checkpoint-2, or the run config's of older ones. */
function recordedImageSize(state: CheckpointState): number | undefined {
  const size = state.imageSize ?? (state.runConfig as { imageSize?: unknown } | undefined)?.imageSize;
  return typeof size === 'number' ? size : undefined;
}

/**
 * Model weights from any checkpoint form `resolveCheckpoint` accepts: a run folder, a medslip checkpoint, a bare
 * .safetensors state dict, or a PyTorch checkpoint (.pth/.bin/.pt: the reference's `{"model": state_dict, …}`, a
 * bare state dict, a `module.` prefix). Returns the weights and, when recorded, the model config and image size.
 */
export function readModelWeights(path: string): { weights: Map<string, RawTensor>; modelConfig?: Record<string, unknown>; imageSize?: number; source: string } {
  const resolved = resolveCheckpoint(path);
  if (resolved.kind === 'pytorch') {
    const checkpoint = loadCheckpoint(resolved.path);
    const config = checkpoint.entries.config;
    return { weights: checkpoint.stateDict, modelConfig: typeof config === 'object' && config ? config as Record<string, unknown> : undefined, source: 'pytorch' };
  }
  if (resolved.kind === 'medslip') {
    const loaded = readCheckpoint(resolved.prefix);
    return { weights: loaded.weights, modelConfig: loaded.state.modelConfig, imageSize: loaded.imageSize, source: 'medslip' };
  }
  const file = readSafetensors(resolved.path);
  const config = file.metadata.medslip ? JSON.parse(file.metadata.medslip) as Record<string, unknown> : undefined;
  const imageSize = file.metadata[IMAGE_SIZE_KEY] ? Number(file.metadata[IMAGE_SIZE_KEY]) : undefined;
  return { weights: file.tensors, modelConfig: config, imageSize, source: 'safetensors' };
}

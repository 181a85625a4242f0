// Runs that survive being killed. A tiny pre-training run (ResNet-18, 32 px, dModel 16, 20 synthetic images, dropout
// on) is killed with SIGKILL at 20 moments spread over it — mid-epoch, between the files of a save, after a save's
// switch, before the first checkpoint — and resumed each time. After every kill the run folder must hold complete
// checkpoints identical to the uninterrupted run's at the same step (or none, which --resume must say clearly); at
// the end, weights, optimizer moments, generator states and the log must equal the uninterrupted run's, bit for
// bit. SIGINT and SIGTERM sent to the real CLI save, exit 130 and 143, and resume to the same end.
// Two kill chains and the signalled runs go side by side (one process each at a time) to keep the test near a
// minute on two cores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPretrainConfig } from '../../src/tasks/pretrain/config.ts';
import { prepareSynthetic } from '../../src/tasks/pretrain/data.ts';
import { runPretrain } from '../../src/tasks/pretrain.ts';
import { repoRoot } from '../helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'medslip-kill-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

const overrides = [
  'backbone=resnet18', 'dModel=16', 'heads=2', 'layers=1', 'dropout=0.1', 'imageSize=32', 'syntheticSize=32',
  'syntheticCount=20', 'batchSize=4', 'epochs=4', 'warmupSteps=2', 'logInterval=1', 'workers=0', `syntheticDir=${join(work, 'data')}`,
];
const CHILD = join(repoRoot, 'test', 'tasks', 'pretrain-child.ts');
const quiet = { quiet: true, log: () => {} };

/** What must be equal between two checkpoints: the data files' hashes and the generator states. */
interface Fingerprint { step: number; model: string; optimizer: string; generators: unknown }
function fingerprint(prefix: string): Fingerprint {
  const manifest = JSON.parse(readFileSync(`${prefix}.json`, 'utf8')) as {
    run: { step: number }; files: Record<'model' | 'optimizer', { sha256: string }>; generators: unknown;
  };
  return { step: manifest.run.step, model: manifest.files.model.sha256, optimizer: manifest.files.optimizer.sha256, generators: manifest.generators };
}
/** The log without what depends on the clock. */
const logOf = (dir: string) => readFileSync(join(dir, 'log.jsonl'), 'utf8').trim().split('\n').map((line) => {
  const { time, imagesPerSec, seconds, ...rest } = JSON.parse(line) as Record<string, unknown>;
  return rest;
});
const RUN_FILES = ['best.json', 'books.safetensors', 'config.json', 'history.json', 'last.json', 'log.jsonl', 'loss.png'];
const setFiles = (dir: string) => readdirSync(dir).filter((name) => !RUN_FILES.includes(name));

interface Exit { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }
/** Runs a process to its end; `onStdout` sees its output as it comes. */
function runProcess(args: string[], onStdout?: (text: string, send: (signal: NodeJS.Signals) => void) => void): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onStdout?.(stdout, (signal) => child.kill(signal));
    });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
const pretrainChild = (args: Record<string, unknown>): Promise<Exit> =>
  runProcess(['--import', 'tsx', CHILD, JSON.stringify({ overrides, ...args })]);

// Runs in this process take turns: the random generators that dropout draws from are process-wide, so two runs
// interleaved at their awaits would draw each other's numbers.
let turn: Promise<unknown> = Promise.resolve();
function inThisProcess<T>(run: () => Promise<T>): Promise<T> {
  const result = turn.then(run);
  turn = result.catch(() => undefined);
  return result;
}
const resumeHere = (out: string) => inThisProcess(() => runPretrain({ config: loadPretrainConfig({ overrides }), resume: out, ...quiet }));

interface Reference {
  /** Every event of the uninterrupted run, in order ("step 5", "save best at step 6: model", …). */
  events: string[];
  /** The fingerprint of each checkpoint it saved: "last 6", "best 6", … */
  saved: Map<string, Fingerprint>;
  last: Fingerprint;
  best: Fingerprint;
  log: Record<string, unknown>[];
}

/** The uninterrupted run, in this process. */
async function runReference(): Promise<Reference> {
  const events: string[] = [];
  const saved = new Map<string, Fingerprint>();
  const dir = join(work, 'reference');
  await inThisProcess(() => runPretrain({ config: loadPretrainConfig({ overrides }), out: dir, ...quiet, onEvent: (event) => {
    events.push(event);
    const name = /^save (last|best) at step \d+: manifest$/.exec(event)?.[1];
    if (name) {
      const print = fingerprint(join(dir, name));
      saved.set(`${name} ${print.step}`, print);
    }
  } }));
  return { events, saved, last: fingerprint(join(dir, 'last')), best: fingerprint(join(dir, 'best')), log: logOf(dir) };
}

/**
 * 20 moments, 5 per epoch (mid-epoch, and between or after the files of its saves; best is saved before last),
 * dealt to two chains of kills so that each chain reaches its moments: a killed run resumes from its `last`
 * (replaying the events after that step), else from its `best` (which first saves `last` again), else from the
 * start, and which checkpoints a chain has depends on its own kills, so they are followed here.
 */
function planChains({ events, saved }: Reference): string[][] {
  const at = (event: string): number => events.indexOf(event);
  const epochEnds = [...saved.keys()].filter((key) => key.startsWith('last ')).map((key) => Number(key.slice(5)));
  assert.equal(epochEnds.length, 4);
  const moments = epochEnds.flatMap((end, e) => {
    const best = events.filter((event) => event.startsWith(`save best at step ${end}: `));
    const saves = e === 0
      ? [...['model', 'optimizer', 'manifest'].map((stage) => `save best at step ${end}: ${stage}`), `save last at step ${end}: model`]
      : [best.length > 0 ? best[e % best.length] : `save last at step ${end}: previous removed`,
        ...['model', 'optimizer', 'manifest'].map((stage) => `save last at step ${end}: ${stage}`)];
    return [`step ${end - 1}`, ...saves];
  }).sort((a, b) => at(a) - at(b));
  assert.equal(moments.length, 20);
  for (const moment of moments) assert.ok(at(moment) >= 0, `"${moment}" happens in the run`);

  const plans = [0, 1].map(() => ({ moments: [] as string[], from: 0, last: undefined as number | undefined, best: undefined as number | undefined }));
  const killAt = (plan: (typeof plans)[number], index: number): void => {
    for (let i = plan.from; i <= index; i++) {
      const save = /^save (last|best) at step (\d+): manifest$/.exec(events[i]);
      if (save) plan[save[1] as 'last' | 'best'] = Number(save[2]);
    }
    const step = plan.last ?? plan.best;
    plan.from = step === undefined ? 0 : plan.last === undefined ? at(`save last at step ${step}: model`)
      : at(`step ${step + 1}`) === -1 ? Infinity : at(`step ${step + 1}`);
  };
  moments.forEach((moment, k) => {
    const plan = (k % 2 === 0 ? [plans[0], plans[1]] : [plans[1], plans[0]]).find((p) => at(moment) >= p.from);
    assert.ok(plan !== undefined, `no chain reaches "${moment}"`);
    plan.moments.push(moment);
    killAt(plan, at(moment));
  });
  return plans.map((plan) => plan.moments);
}

/** Kills a run at each planned moment, resumes it each time, and compares with the uninterrupted run. */
async function killChain(name: string, planned: string[], reference: Reference): Promise<void> {
  const out = join(work, name);
  const checkpoints = () => ['last', 'best'].filter((checkpoint) => existsSync(join(out, `${checkpoint}.json`)));
  for (const moment of planned) {
    const exit = await pretrainChild(checkpoints().length > 0 ? { resume: out, killAt: moment } : { out, overwrite: true, killAt: moment });
    assert.equal(exit.signal, 'SIGKILL', `${name}: killed at "${moment}"\n${exit.stdout}\n${exit.stderr}`);
    if (checkpoints().length > 0) {
      // the checkpoints the kill left are whole, and the uninterrupted run's at the same step
      for (const checkpoint of checkpoints()) {
        const left = fingerprint(join(out, checkpoint));
        assert.deepEqual(left, reference.saved.get(`${checkpoint} ${left.step}`), `${name}: ${checkpoint} left by the kill at "${moment}"`);
      }
    } else {
      await assert.rejects(resumeHere(out),
        new Error(`${out}: the run has no checkpoint to resume: it was stopped before its first one (saved at the end of each epoch, and on Ctrl-C or SIGTERM); start it again with --overwrite`));
    }
  }
  await resumeHere(out); // to the end
  assert.deepEqual(fingerprint(join(out, 'last')), reference.last, `${name}: last`);
  assert.deepEqual(fingerprint(join(out, 'best')), reference.best, `${name}: best`);
  assert.deepEqual(logOf(out), reference.log, `${name}: log.jsonl`);
  assert.equal(setFiles(out).length, 4, `${name}: no leftovers (${setFiles(out).join(', ')})`);
}

/** The real CLI stopped by a signal once training runs: it saves, says so and exits 128 + n; then resumed. */
async function signalled(signal: 'SIGINT' | 'SIGTERM', code: number, referenceReady: Promise<Reference>): Promise<void> {
  const out = join(work, signal);
  let sent = false;
  const exit = await runProcess([join(repoRoot, 'bin', 'medslip.js'), 'pretrain', ...overrides, '--out', out, '--quiet'], (text, send) => {
    if (!sent && text.includes('training: steps 1–')) {
      sent = true;
      send(signal);
    }
  });
  assert.equal(exit.code, code, `${signal}: exit code\n${exit.stderr}`);
  assert.match(exit.stdout, new RegExp(`\\n${signal}: finishing this step and saving a checkpoint \\(${signal} again leaves without saving\\)\\n`));
  assert.match(exit.stdout, new RegExp(`\\nsaved ${out}/last at epoch \\d, batch \\d; continue with --resume ${out}\\n`));
  assert.match(exit.stdout, /\nstopped: \d epoch\(s\), \d+ steps in/);
  if (signal === 'SIGINT') {
    await resumeHere(out);
  } else {
    // the README's form: the run folder and a run setting, nothing else; it continues in that folder
    const resumed = await runProcess([join(repoRoot, 'bin', 'medslip.js'), 'pretrain', '--resume', out, 'epochs=4', '--quiet']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, new RegExp(`\\ndone: 4 epoch\\(s\\), 12 steps in \\d+ s; best validation loss \\S+; run folder ${out}\\n`));
  }
  const reference = await referenceReady;
  assert.deepEqual(fingerprint(join(out, 'last')), reference.last, `${signal}: last`);
  assert.deepEqual(fingerprint(join(out, 'best')), reference.best, `${signal}: best`);
  assert.deepEqual(logOf(out), reference.log, `${signal}: log.jsonl`);
}

test('killed at 20 moments and resumed, a run ends bit-identical to an uninterrupted one; SIGINT/SIGTERM save and exit 130/143', async () => {
  await prepareSynthetic(loadPretrainConfig({ overrides })); // once, before the runs that share it
  const reference = runReference(); // in this process, while the signalled runs start in theirs
  await Promise.all([
    reference.then((ready) => {
      const [a, b] = planChains(ready);
      return Promise.all([killChain('chain-a', a, ready), killChain('chain-b', b, ready)]);
    }),
    signalled('SIGINT', 130, reference).then(() => signalled('SIGTERM', 143, reference)),
  ]);
});

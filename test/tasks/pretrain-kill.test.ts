// Runs that survive being killed. A tiny pre-training run (ResNet-18, 32 px, dModel 16, 20 synthetic images, dropout
// on) is killed with SIGKILL at 20 moments spread over it — mid-epoch, between the files of a save, after a save's
// switch, before the first checkpoint — and resumed each time. After every kill the run folder must hold complete
// checkpoints identical to the uninterrupted run's at the same step (or none, which --resume must say clearly); at
// the end, weights, optimizer moments, generator states and the log must equal the uninterrupted run's, bit for
// bit. SIGINT and SIGTERM sent to the real CLI save, exit 130 and 143, and resume to the same end.
// Two kill chains run side by side (one process each at a time) to keep the test near a minute on two cores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPretrainConfig } from '../../src/tasks/pretrain/config.ts';
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
  const manifest = JSON.parse(readFileSync(`${prefix}.json`, 'utf8'));
  return { step: manifest.run.step, model: manifest.files.model.sha256, optimizer: manifest.files.optimizer.sha256, generators: manifest.generators };
}
/** The log without what depends on the clock. */
const logOf = (dir: string) => readFileSync(join(dir, 'log.jsonl'), 'utf8').trim().split('\n').map((line) => {
  const { time, imagesPerSec, seconds, ...rest } = JSON.parse(line);
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
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      onStdout?.(stdout, (signal) => child.kill(signal));
    });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
const pretrainChild = (args: Record<string, unknown>): Promise<Exit> =>
  runProcess(['--import', 'tsx', CHILD, JSON.stringify({ overrides, ...args })]);

test('killed at 20 moments and resumed, a run ends bit-identical to an uninterrupted one; SIGINT/SIGTERM save and exit 130/143', async () => {
  // the uninterrupted run, with the fingerprint of every checkpoint it saves ("last 6", "best 6", …)
  const events: string[] = [];
  const saved = new Map<string, Fingerprint>();
  const referenceDir = join(work, 'reference');
  await runPretrain({ config: loadPretrainConfig({ overrides }), out: referenceDir, ...quiet, onEvent: (event) => {
    events.push(event);
    const name = /^save (last|best) at step \d+: manifest$/.exec(event)?.[1];
    if (name) {
      const print = fingerprint(join(referenceDir, name));
      saved.set(`${name} ${print.step}`, print);
    }
  } });
  const reference = { last: fingerprint(join(referenceDir, 'last')), best: fingerprint(join(referenceDir, 'best')), log: logOf(referenceDir) };
  const epochEnds = [...saved.keys()].filter((key) => key.startsWith('last ')).map((key) => Number(key.slice(5)));
  assert.equal(epochEnds.length, 4);

  // 5 moments per epoch: mid-epoch and between or after the files of its saves (best is saved before last)
  const at = (event: string): number => events.indexOf(event);
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

  // Each chain of kills gets moments it will reach. A killed run resumes from its `last` (replaying the events
  // after that step), else from its `best` (which first saves `last` again), else from the start; the checkpoints
  // a chain has depend on its own kills, so they are followed here. Two chains suffice for the moments above.
  const plans = [0, 1].map(() => ({ moments: [] as string[], from: 0, last: undefined as number | undefined, best: undefined as number | undefined }));
  const killAt = (plan: (typeof plans)[number], index: number): void => {
    for (let i = plan.from; i <= index; i++) {
      const saved = /^save (last|best) at step (\d+): manifest$/.exec(events[i]);
      if (saved) plan[saved[1] as 'last' | 'best'] = Number(saved[2]);
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

  const chain = async (name: string, planned: string[]): Promise<void> => {
    const out = join(work, name);
    const checkpoints = () => ['last', 'best'].filter((checkpoint) => existsSync(join(out, `${checkpoint}.json`)));
    for (const moment of planned) {
      const exit = await pretrainChild(checkpoints().length > 0 ? { resume: out, killAt: moment } : { out, overwrite: true, killAt: moment });
      assert.equal(exit.signal, 'SIGKILL', `${name}: killed at "${moment}"\n${exit.stdout}\n${exit.stderr}`);
      if (checkpoints().length > 0) {
        // the checkpoints the kill left are whole, and the uninterrupted run's at the same step
        for (const checkpoint of checkpoints()) {
          const left = fingerprint(join(out, checkpoint));
          assert.deepEqual(left, saved.get(`${checkpoint} ${left.step}`), `${name}: ${checkpoint} left by the kill at "${moment}"`);
        }
      } else {
        await assert.rejects(runPretrain({ config: loadPretrainConfig({ overrides }), resume: out, ...quiet }),
          new Error(`${out}: the run has no checkpoint to resume: it was stopped before its first one (saved at the end of each epoch, and on Ctrl-C or SIGTERM); start it again with --overwrite`));
      }
    }
    const exit = await pretrainChild({ resume: out });
    assert.equal(exit.code, 0, `${name}: final resume\n${exit.stderr}`);
    assert.deepEqual(fingerprint(join(out, 'last')), reference.last, `${name}: last`);
    assert.deepEqual(fingerprint(join(out, 'best')), reference.best, `${name}: best`);
    assert.deepEqual(logOf(out), reference.log, `${name}: log.jsonl`);
    assert.equal(setFiles(out).length, 4, `${name}: no leftovers (${setFiles(out).join(', ')})`);
  };

  const signalled = async (signal: 'SIGINT' | 'SIGTERM', code: number): Promise<void> => {
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
      await runPretrain({ config: loadPretrainConfig({ overrides }), resume: out, ...quiet });
    } else {
      // the README's form: the run folder and a run setting, nothing else; it continues in that folder
      const resumed = await runProcess([join(repoRoot, 'bin', 'medslip.js'), 'pretrain', '--resume', out, 'epochs=4', '--quiet']);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.match(resumed.stdout, new RegExp(`\\ndone: 4 epoch\\(s\\), 12 steps in \\d+ s; best validation loss \\S+; run folder ${out}\\n`));
    }
    assert.deepEqual(fingerprint(join(out, 'last')), reference.last, `${signal}: resumed to the end`);
    assert.deepEqual(fingerprint(join(out, 'best')), reference.best, `${signal}: best`);
    assert.deepEqual(logOf(out), reference.log, `${signal}: log.jsonl`);
  };

  await Promise.all([
    chain('chain-a', plans[0].moments),
    chain('chain-b', plans[1].moments),
    signalled('SIGINT', 130).then(() => signalled('SIGTERM', 143)),
  ]);
});

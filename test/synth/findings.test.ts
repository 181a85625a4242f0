import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../src/util/random.ts';
import { FINDING_KINDS, type FindingKind, sampleFindings } from '../../src/synth/findings.ts';
import { renderScene, sampleScene } from '../../src/synth/scene.ts';
import { fractionInside, maskArea } from '../../src/synth/raster.ts';

const SIZE = 160;
const DEVICES: ReadonlySet<FindingKind> = new Set(['endotracheal_tube', 'nasogastric_tube', 'central_line', 'pacemaker']);

/** Mean |Δ| inside and outside a mask between two renders of the same scene, with and without the finding. */
function changeInsideOutside(a: Float32Array, b: Float32Array, mask: Uint8Array): { inside: number; outside: number } {
  let inSum = 0, inN = 0, outSum = 0, outN = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (mask[i]) { inSum += d; inN++; } else { outSum += d; outN++; }
  }
  return { inside: inSum / inN, outside: outSum / outN };
}

test('each finding changes the image inside its mask much more than outside, and lies at its site', () => {
  const rows: string[] = [];
  for (const kind of FINDING_KINDS) {
    for (const seed of [300, 301]) {
      const scene = sampleScene(seed, { size: SIZE, findings: [kind] });
      const withFinding = renderScene(scene);
      const without = renderScene({ ...scene, findings: [] });
      const [f] = withFinding.findings;
      const area = maskArea(f.mask);
      assert.ok(area > 0, `${kind} (seed ${seed}): empty mask`);
      const { inside, outside } = changeInsideOutside(withFinding.image, without.image, f.mask);
      rows.push(`${kind.padEnd(18)} seed ${seed}: mask ${String(area).padStart(5)} px, mean |Δ| inside ${inside.toFixed(4)}, outside ${outside.toFixed(5)}, ratio ${(inside / Math.max(outside, 1e-6)).toFixed(0)}`);
      assert.ok(inside > 0.02, `${kind} (seed ${seed}): too faint inside its mask (${inside.toFixed(4)})`);
      assert.ok(inside > 10 * outside, `${kind} (seed ${seed}): inside ${inside.toFixed(4)} vs outside ${outside.toFixed(5)}`);
      const site = withFinding.anatomy.mask(f.finding.site);
      assert.ok(f.landmarks.includes(f.finding.site), `${kind}: landmarks ${f.landmarks.join(',')} lack the site ${f.finding.site}`);
      if (DEVICES.has(kind)) {
        // the tip, within a pixel of rounding, lies in the site (an ET tube in the trachea, an NG tube in the stomach, …)
        const [x, y] = f.tip as [number, number];
        let hit = false;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) hit ||= site[(Math.round(y) + dy) * SIZE + Math.round(x) + dx] === 1;
        assert.ok(hit, `${kind} (seed ${seed}): tip (${x.toFixed(1)}, ${y.toFixed(1)}) outside ${f.finding.site}`);
      } else {
        const inSite = fractionInside(f.mask, site);
        assert.ok(inSite >= 0.97, `${kind} (seed ${seed}): only ${(100 * inSite).toFixed(1)} % of the mask lies in ${f.finding.site}`);
      }
    }
  }
  console.log(rows.join('\n'));
});

test('pneumothorax is dark without markings, effusion bright at the base, cardiomegaly widens the heart', () => {
  const mean = (img: Float32Array, mask: Uint8Array) => {
    let s = 0, n = 0;
    for (let i = 0; i < img.length; i++) if (mask[i]) { s += img[i]; n++; }
    return s / n;
  };
  const ptxScene = sampleScene(7, { size: SIZE, findings: ['pneumothorax'] });
  const ptx = renderScene(ptxScene), ptxBase = renderScene({ ...ptxScene, findings: [] });
  assert.ok(mean(ptx.image, ptx.findings[0].mask) < mean(ptxBase.image, ptx.findings[0].mask));
  const effScene = sampleScene(8, { size: SIZE, findings: ['effusion'] });
  const eff = renderScene(effScene), effBase = renderScene({ ...effScene, findings: [] });
  assert.ok(mean(eff.image, eff.findings[0].mask) > mean(effBase.image, eff.findings[0].mask) + 0.15);
  const cardio = sampleScene(9, { size: SIZE, findings: ['cardiomegaly'] });
  const big = maskArea(renderScene(cardio).anatomy.mask('heart_size'));
  const normal = maskArea(renderScene({ ...cardio, findings: [] }).anatomy.mask('heart_size'));
  assert.ok(big > 1.3 * normal, `enlarged heart ${big} px vs normal ${normal} px`);
});

test('finding sampling: about 30 % normal, 0–3 distinct kinds, configurable prevalence', () => {
  const rng = new Random(5);
  const n = 3000;
  let normal = 0;
  const counts = new Map<string, number>();
  for (let k = 0; k < n; k++) {
    const findings = sampleFindings(rng);
    if (findings.length === 0) normal++;
    assert.ok(findings.length <= 3);
    assert.equal(new Set(findings.map((f) => f.kind)).size, findings.length);
    for (const f of findings) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
  }
  assert.ok(Math.abs(normal / n - 0.3) < 0.03, `normal fraction ${normal / n}`);
  for (const kind of FINDING_KINDS) assert.ok((counts.get(kind) ?? 0) > 50, `${kind} drawn ${counts.get(kind)} times`);
  const onlyEffusion = sampleFindings(new Random(1), { normalFraction: 0, maxFindings: 1, prevalence: Object.fromEntries(FINDING_KINDS.map((k) => [k, k === 'effusion' ? 1 : 0])) });
  assert.deepEqual(onlyEffusion.map((f) => f.kind), ['effusion']);
  assert.throws(() => sampleFindings(rng, { normalFraction: 1.5 }), { name: 'RangeError', message: 'Expected number in [0, 1] for normalFraction but received 1.5 (number)' });
  assert.throws(() => sampleFindings(rng, { maxFindings: 4 }), RangeError);
  assert.throws(() => sampleFindings(rng, { prevalence: { fibrosis: 1 } as never }), /Unknown finding kind "fibrosis"/);
  assert.throws(() => sampleScene(1, { findings: ['fibrosis' as FindingKind] }), RangeError);
});

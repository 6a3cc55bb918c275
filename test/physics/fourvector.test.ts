import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deltaPhi, deltaR, mass, phi, phi02pi, pseudorapidity, rapidity, validateMomenta, wrapPhi } from '../../core/physics/fourvector';
import { HmlError } from '../../core/util/errors';

test('φ is in (−π, π] (π from both sides), φ02pi in [0, 2π), Δφ and ΔR wrap', () => {
  assert.equal(phi(-1, 0), Math.PI);
  assert.equal(phi(-1, -0), Math.PI, 'py = −0 gives π, not −π');
  assert.equal(phi(0, 0), 0);
  assert.ok(Math.abs(phi(1, -1) + Math.PI / 4) < 1e-15);
  assert.ok(Math.abs(phi02pi(1, -1) - 7 * Math.PI / 4) < 1e-15);
  assert.equal(wrapPhi(-Math.PI), Math.PI);
  assert.ok(Math.abs(wrapPhi(3 * Math.PI / 2) + Math.PI / 2) < 1e-15);
  assert.ok(Math.abs(deltaPhi(3.1, -3.1) - (2 * Math.PI - 6.2)) < 1e-12);
  assert.ok(Math.abs(deltaR(0, 3.1, 0.3, -3.1) - Math.hypot(0.3, 2 * Math.PI - 6.2)) < 1e-12);
});

test('rapidity, pseudorapidity and mass follow the definitions (FastJet conventions at the edges)', () => {
  const [px, py, pz, m] = [3, 4, 12, 2];
  const e = Math.sqrt(px * px + py * py + pz * pz + m * m);
  assert.ok(Math.abs(rapidity(px, py, pz, e) - 0.5 * Math.log((e + pz) / (e - pz))) < 1e-12);
  assert.ok(Math.abs(rapidity(px, py, -pz, e) + 0.5 * Math.log((e + pz) / (e - pz))) < 1e-12);
  assert.ok(Math.abs(pseudorapidity(px, py, pz) - Math.atanh(pz / 13)) < 1e-12);
  assert.ok(Math.abs(mass(px, py, pz, e) - m) < 1e-12);
  assert.ok(mass(3, 0, 4, 4.9) < 0, 'space-like: −√(−m²)');
  assert.equal(rapidity(0, 0, 5, 5), 1e5 + 5, 'massless along the beam: ±(1e5 + |pz|), as FastJet');
  assert.equal(pseudorapidity(0, 0, -1), -Infinity);
  // |η| up to 5: no loss of precision
  const pt = 10, eta = 5;
  assert.ok(Math.abs(pseudorapidity(pt, 0, pt * Math.sinh(eta)) - eta) < 1e-12);
});

test('validateMomenta names the event and particle for NaN, infinities, negative energy and E < |p|', () => {
  const cols = (rows: number[][]) => [0, 1, 2, 3].map((c) => Float64Array.from(rows, (r) => r[c])) as [Float64Array, Float64Array, Float64Array, Float64Array];
  const check = (rows: number[][]) => {
    const [a, b, c, d] = cols(rows);
    validateMomenta(a, b, c, d, 0, rows.length, 7, 'f.txt');
  };
  check([[1, 2, 2, 3], [3, 4, 0, 5 * (1 - 1e-9)]]);
  for (const [rows, code] of [
    [[[1, 2, 2, 3], [NaN, 0, 0, 1]], 'physics.non-finite-momentum'],
    [[[1, 2, 2, 3], [0, 0, Infinity, 1]], 'physics.non-finite-momentum'],
    [[[1, 2, 2, 3], [0, 0, 0, -1]], 'physics.negative-energy'],
    [[[1, 2, 2, 3], [3, 4, 0, 4.9]], 'physics.space-like-momentum'],
  ] as [number[][], string][]) {
    assert.throws(() => check(rows), (e: unknown) => {
      assert.ok(e instanceof HmlError);
      assert.equal(e.code, code);
      assert.equal(e.location?.event, 7);
      assert.equal(e.location?.particle, 1);
      assert.match(e.format(), /f\.txt: event 7, particle 1/);
      return true;
    });
  }
});

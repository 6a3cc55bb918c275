import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CollectionBuilder, type EventBatch } from '../../core/physics/events';
import { EventWriter, eventStoreCount, readEventStore } from '../../core/pipeline/eventstore';
import { Rng } from '../../core/util/random';

function batch(rng: Rng, size: number, first: number): EventBatch {
  const particle = new CollectionBuilder('particle', ['pdg_id', 'charge']);
  const jet = new CollectionBuilder('jet', ['b_tag'], 'particle', 0.4);
  let row = 0;
  for (let i = 0; i < size; i++) {
    const n = rng.int(6);
    const start = row;
    for (let k = 0; k < n; k++, row++) particle.add(rng.normal(), rng.normal(), rng.normal() * 10, 20 + rng.uniform(), { pdg_id: 211, charge: 1 });
    particle.endEvent();
    if (n > 1) jet.add(1, 2, 3, 4, { b_tag: rng.int(2) }, [start, start + 1]);
    jet.endEvent();
  }
  return { size, firstEvent: first, weights: Float64Array.from({ length: size }, () => rng.normal()), collections: new Map([['particle', particle.finish()], ['jet', jet.finish()]]) };
}

test('event store: columnar chunks round-trip exactly, stream batch by batch, and detect damage', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hml-ev-'));
  const path = join(dir, 'events.hmlev');
  const rng = new Rng(1);
  const batches = [batch(rng, 100, 0), batch(rng, 37, 100), batch(rng, 0, 137)];
  const w = new EventWriter(path);
  for (const b of batches) w.append(b);
  assert.equal(w.close(), 137);
  assert.equal(eventStoreCount(path), 137);
  let i = 0;
  for await (const got of readEventStore(path)) {
    const want = batches[i++];
    assert.equal(got.size, want.size);
    assert.deepEqual(Array.from(got.weights), Array.from(want.weights));
    for (const [name, c] of want.collections) {
      const g = got.collections.get(name)!;
      assert.deepEqual(Array.from(g.offsets), Array.from(c.offsets));
      assert.deepEqual(Array.from(g.px), Array.from(c.px));
      assert.deepEqual(Array.from(g.e), Array.from(c.e));
      assert.deepEqual(Object.keys(g.fields).sort(), Object.keys(c.fields).sort());
      for (const f of Object.keys(c.fields)) assert.deepEqual(Array.from(g.fields[f]), Array.from(c.fields[f]));
      assert.equal(g.radius, c.radius);
      assert.deepEqual(g.constituents && Array.from(g.constituents.index), c.constituents && Array.from(c.constituents.index));
    }
  }
  assert.equal(i, 3);
  // one flipped payload byte: the checksum names the chunk
  const good = readFileSync(path);
  for (let k = 0; k < 40; k++) {
    const bytes = Buffer.from(good);
    const at = 8 + rng.int(bytes.length - 24); // anywhere between magic and trailer
    bytes[at] ^= 1 << rng.int(8);
    writeFileSync(path, bytes);
    await assert.rejects(async () => {
      for await (const _ of readEventStore(path)) void _;
    }, /checksum|damaged|ends early|end marker/, `flipped byte ${at}`);
  }
  // a file without its trailer (killed writer) is refused
  const w2 = new EventWriter(join(dir, 'part.hmlev'));
  w2.append(batches[0]);
  w2.abort();
  await assert.rejects(async () => {
    for await (const _ of readEventStore(join(dir, 'part.hmlev'))) void _;
  }, /not completely written/);
});

test('event store: a full disk (HML_TEST_ENOSPC) surfaces as ENOSPC from the writer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hml-ev-'));
  process.env.HML_TEST_ENOSPC = 'full.hmlev';
  try {
    assert.throws(() => new EventWriter(join(dir, 'full.hmlev')), (e: NodeJS.ErrnoException) => e.code === 'ENOSPC');
  } finally {
    delete process.env.HML_TEST_ENOSPC;
  }
});

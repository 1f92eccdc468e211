import { randomUUID } from 'node:crypto';
import { fenceStore, type FencedStore } from '../../src/engine/fenced-store.js';
import type { Fence, Store } from '../../src/ports/store.js';

/** Takes `env`'s lock in `store` (it must be free) for a test: the fence, and the store every write of a release is fenced with. */
export async function holdLock(store: Store, env: string): Promise<{ fence: Fence; fenced: FencedStore }> {
  const fence: Fence = { env, token: randomUUID() };
  const taken = await store.acquireLock({ ...fence, user: 'test', host: 'test', pid: process.pid });
  if (!taken.acquired) throw new Error(`the lock on ${env} is held by ${taken.holder.token}`);
  return { fence, fenced: fenceStore(store, fence) };
}

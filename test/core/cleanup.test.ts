import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cleanupErrors, withCleanup } from '../../src/core/cleanup.js';

const fail = (message: string) => async () => {
  throw new Error(message);
};

describe('withCleanup', () => {
  test('returns what the work returns, after the cleanup ran once', async () => {
    const ran: string[] = [];
    const value = await withCleanup(
      async () => {
        ran.push('work');
        return 42;
      },
      async () => ran.push('cleanup'),
    );
    assert.equal(value, 42);
    assert.deepEqual(ran, ['work', 'cleanup']);
  });

  test("when both fail, the work's error is thrown, with the cleanup's along", async () => {
    await assert.rejects(withCleanup(fail('the store went away'), fail('cannot release the lock')), (error: Error) => {
      assert.equal(error.message, 'the store went away');
      assert.deepEqual(
        cleanupErrors(error).map((e) => (e as Error).message),
        ['cannot release the lock'],
      );
      return true;
    });
  });

  test('when only the cleanup fails, its error is thrown', async () => {
    await assert.rejects(
      withCleanup(async () => 1, fail('cannot close the store')),
      /cannot close the store/,
    );
  });

  test('when only the work fails, its error is thrown with no cleanup error', async () => {
    await assert.rejects(
      withCleanup(fail('a driver failed'), async () => undefined),
      (error: Error) => {
        assert.equal(error.message, 'a driver failed');
        assert.deepEqual(cleanupErrors(error), []);
        return true;
      },
    );
  });

  test('nested cleanups keep every failure, outermost error first', async () => {
    const inner = () => withCleanup(fail('the store went away'), fail('cannot release the lock'));
    await assert.rejects(withCleanup(inner, fail('cannot close the store')), (error: Error) => {
      assert.equal(error.message, 'the store went away');
      assert.deepEqual(
        cleanupErrors(error).map((e) => (e as Error).message),
        ['cannot release the lock', 'cannot close the store'],
      );
      return true;
    });
  });

  test('a thrown value that is not an object is thrown as it is', async () => {
    await assert.rejects(
      withCleanup(async () => {
        throw 'plain text';
      }, fail('cleanup')),
      (thrown: unknown) => thrown === 'plain text',
    );
  });
});

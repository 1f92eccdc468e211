import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { stoppedExit } from '../../src/cli/io.js';
import { StopController } from '../../src/cli/stop-controller.js';
import { StopRequest, stopCause } from '../../src/engine/stop.js';

const reason = (signal: AbortSignal) => {
  const r = signal.reason as StopRequest;
  return [r instanceof StopRequest, r.by, r.atOnce];
};

describe('StopController', () => {
  test('outside a held span a stop ends the process at once, aborting nothing', () => {
    const stop = new StopController();
    assert.equal(stop.request('SIGINT'), 'exit');
    assert.equal(stop.graceful.aborted, false);
    const end = stop.hold();
    end();
    end();
    assert.equal(stop.request('SIGTERM'), 'exit', 'a span ended (even twice) holds nothing');
  });

  test('while held: the first stop is graceful, the second at once, the third ends the process', () => {
    const stop = new StopController();
    stop.hold();
    assert.equal(stop.request('SIGTERM'), 'handled');
    assert.deepEqual(reason(stop.graceful), [true, 'SIGTERM', false]);
    assert.equal(stopCause(stop), 'SIGTERM');
    assert.equal(stop.now.aborted, false);
    assert.equal(stop.request('SIGINT'), 'handled');
    assert.deepEqual(reason(stop.now), [true, 'SIGINT', true]);
    assert.equal(stop.request('SIGINT'), 'exit');
  });

  test('a closed pipe stops once, however many writes fail, and never escalates a stop under way', () => {
    const piped = new StopController();
    piped.hold();
    assert.equal(piped.request('EPIPE'), 'handled');
    assert.equal(piped.request('EPIPE'), 'handled');
    assert.equal(piped.now.aborted, false);
    assert.equal(stopCause(piped), 'EPIPE');

    const signalled = new StopController();
    signalled.hold();
    signalled.request('SIGINT');
    assert.equal(signalled.request('EPIPE'), 'handled');
    assert.equal(signalled.now.aborted, false, 'the pipe closing is not a second signal');
  });

  test('exit codes: 128 + the signal, and SIGPIPE for a closed pipe', () => {
    assert.deepEqual((['SIGHUP', 'SIGINT', 'EPIPE', 'SIGTERM'] as const).map(stoppedExit), [129, 130, 141, 143]);
  });
});

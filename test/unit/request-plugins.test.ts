// The engine's request watchers as one Apollo listener: every watcher's hook runs, in order, the first
// failure reaches Apollo after all ran, and a hook that has nothing to wait for makes no promise.
import { describe, expect, it } from 'vitest';
import { requestPlugins, type RequestWatcher } from '../../src/kernel/request-plugins.js';

type Ctx = { log: string[] };
const rc = () => ({}) as never;

describe('requestPlugins', () => {
  it('runs every watcher in order, answers at once when none waits, and passes the first failure on after all ran', async () => {
    const log: string[] = [];
    const watcher = (name: string, fail = false): RequestWatcher<Ctx> => ({
      requestDidStart: () => ({
        didResolveOperation: () => {
          log.push(name);
          if (fail) throw new Error(`${name} refused`);
        },
      }),
    });
    const plugin = requestPlugins([watcher('a'), watcher('b', true), watcher('c', true), { requestDidStart: () => undefined }]);
    const listener = (await plugin.requestDidStart!(rc()))!;
    expect(Object.keys(listener)).toEqual(['didResolveOperation']);
    await expect(listener.didResolveOperation!(rc())).rejects.toThrow('b refused');
    expect(log).toEqual(['a', 'b', 'c']);

    const quiet = (await requestPlugins([watcher('d'), watcher('e')]).requestDidStart!(rc()))!;
    expect(quiet.didResolveOperation!(rc())).toBeUndefined();
    expect(log).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('waits for a watcher that returns a promise, and passes its failure on', async () => {
    const log: string[] = [];
    const slow = (name: string, fail: boolean): RequestWatcher<Ctx> => ({
      requestDidStart: () => ({
        willSendResponse: async () => {
          await new Promise((r) => setTimeout(r, 5));
          log.push(name);
          if (fail) throw new Error(`${name} failed`);
        },
      }),
    });
    const ok = (await requestPlugins([slow('x', false), slow('y', false)]).requestDidStart!(rc()))!;
    await ok.willSendResponse!(rc());
    expect(log).toEqual(['x', 'y']);
    const bad = (await requestPlugins([slow('p', true), slow('q', false)]).requestDidStart!(rc()))!;
    await expect(bad.willSendResponse!(rc())).rejects.toThrow('p failed');
    expect(log).toContain('q');
  });

  it('gives no listener when no watcher watches the request', async () => {
    expect(await requestPlugins<Ctx>([{ requestDidStart: () => undefined }]).requestDidStart!(rc())).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { UPDATE_CHECK_INTERVAL_MS, UpdateController, type Updater } from './update-controller.js';

/** A fake clock: intervals fire only when the test advances time. */
function fakeTimers() {
  let now = 0;
  const intervals = new Map<number, { callback: () => void; ms: number; next: number }>();
  let nextId = 1;
  return {
    timers: {
      setInterval: (callback: () => void, ms: number) => {
        const id = nextId++;
        intervals.set(id, { callback, ms, next: now + ms });
        return id;
      },
      clearInterval: (handle: unknown) => {
        intervals.delete(handle as number);
      },
    },
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = [...intervals.values()]
          .filter((entry) => entry.next <= until)
          .sort((a, b) => a.next - b.next)[0];
        if (!due) break;
        now = due.next;
        due.next += due.ms;
        due.callback();
      }
      now = until;
    },
    active: () => intervals.size,
  };
}

function fakeUpdater() {
  let downloaded: ((version: string) => void) | null = null;
  const state = { checks: 0, installs: 0, fail: false };
  let release: (() => void) | null = null;
  const updater: Updater = {
    checkForUpdates: () => {
      state.checks += 1;
      if (state.fail) return Promise.reject(new Error('offline'));
      return new Promise<void>((resolve) => (release = resolve));
    },
    onUpdateDownloaded: (listener) => (downloaded = listener),
    quitAndInstall: () => (state.installs += 1),
  };
  return {
    updater,
    state,
    finishCheck: () => release?.(),
    download: (version: string) => downloaded?.(version),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

function setup(answer = true) {
  const clock = fakeTimers();
  const fake = fakeUpdater();
  const offers: string[] = [];
  const errors: unknown[] = [];
  const controller = new UpdateController({
    updater: fake.updater,
    timers: clock.timers,
    offerRestart: (version) => {
      offers.push(version);
      return Promise.resolve(answer);
    },
    onError: (error) => errors.push(error),
  });
  return { controller, clock, fake, offers, errors };
}

describe('UpdateController', () => {
  it('checks at start and then once a day, never two checks at once', async () => {
    const { controller, clock, fake } = setup();
    controller.setEnabled(true);
    expect(fake.state.checks).toBe(1);
    clock.advance(UPDATE_CHECK_INTERVAL_MS);
    expect(fake.state.checks).toBe(1); // the first is still running
    fake.finishCheck();
    await settle();
    clock.advance(UPDATE_CHECK_INTERVAL_MS - 1);
    expect(fake.state.checks).toBe(1);
    clock.advance(UPDATE_CHECK_INTERVAL_MS);
    expect(fake.state.checks).toBe(2);
  });

  it('does nothing while the setting is off, and stops when it is turned off', async () => {
    const { controller, clock, fake } = setup();
    clock.advance(3 * UPDATE_CHECK_INTERVAL_MS);
    expect(fake.state.checks).toBe(0);
    controller.setEnabled(true);
    fake.finishCheck();
    await settle();
    controller.setEnabled(false);
    expect(clock.active()).toBe(0);
    clock.advance(3 * UPDATE_CHECK_INTERVAL_MS);
    expect(fake.state.checks).toBe(1);
    controller.setEnabled(true);
    controller.setEnabled(true);
    expect(clock.active()).toBe(1);
  });

  it('offers "Restart to update" once per downloaded version, and installs when accepted', async () => {
    const { controller, fake, offers } = setup(true);
    controller.setEnabled(true);
    fake.download('1.3.0');
    fake.download('1.3.0');
    await settle();
    expect(offers).toEqual(['1.3.0']);
    expect(fake.state.installs).toBe(1);
    expect(controller.readyVersion).toBe('1.3.0');
  });

  it('leaves the update for the next quit when the user declines, and stops checking', async () => {
    const { controller, clock, fake, offers } = setup(false);
    controller.setEnabled(true);
    fake.finishCheck();
    fake.download('1.3.0');
    await settle();
    expect(offers).toEqual(['1.3.0']);
    expect(fake.state.installs).toBe(0);
    clock.advance(UPDATE_CHECK_INTERVAL_MS);
    expect(fake.state.checks).toBe(1);
  });

  it('reports a failed check and tries again the next day', async () => {
    const { controller, clock, fake, errors } = setup();
    fake.state.fail = true;
    controller.setEnabled(true);
    await settle();
    expect(errors).toEqual([new Error('offline')]);
    clock.advance(UPDATE_CHECK_INTERVAL_MS);
    await settle();
    expect(fake.state.checks).toBe(2);
    expect(errors).toHaveLength(2);
  });
});

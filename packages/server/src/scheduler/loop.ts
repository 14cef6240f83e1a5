/**
 * The polling loop shared by the scheduler and the outbox dispatcher: run a step, go again at once while steps come
 * back full, otherwise sleep `pollMs` or until nudged. Only a wake-up hint: what to do is always read from the
 * database, so a lost nudge or a restart delays work by at most one poll.
 */
export interface WakeableLoop {
  start(): void;
  nudge(): void;
  stop(): Promise<void>;
}

export function createWakeableLoop({
  step,
  batchSize,
  pollMs,
  onError,
}: {
  step: () => Promise<number>;
  batchSize: number;
  pollMs: number;
  onError: (error: unknown) => void;
}): WakeableLoop {
  let running = false;
  let done: Promise<void> = Promise.resolve();
  let wake: (() => void) | null = null;
  let nudged = false;

  const sleep = () =>
    new Promise<void>((resolve) => {
      if (nudged || !running) {
        nudged = false;
        resolve();
        return;
      }
      const timer = setTimeout(finish, pollMs);
      function finish() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = finish;
    });

  async function loop(): Promise<void> {
    while (running) {
      let count = 0;
      try {
        count = await step();
      } catch (error) {
        onError(error);
      }
      if (count < batchSize) await sleep();
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      done = loop();
    },
    nudge() {
      nudged = wake === null;
      wake?.();
    },
    async stop() {
      running = false;
      wake?.();
      await done;
    },
  };
}

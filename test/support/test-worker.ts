/** A worker entry for test/unit/worker-pool.test.ts: small tasks that exercise the pool's rules. */
import { HallmarkError } from '../../main/errors/hallmark-error.js';
import { MediaFileError } from '../../main/files/read-media-file.js';
import { serveTasks } from '../../main/workers/serve-tasks.js';

serveTasks({
  echo: (input: unknown) => ({ value: input }),
  /** progress 1..n, then n */
  count: (n: number, ctx) => {
    for (let i = 1; i <= n; i++) ctx.progress(i);
    return { value: n };
  },
  /** sums 1..n by delegating each term: needs the pool to place sub-tasks somewhere */
  'delegate-sum': async (n: number, ctx) => {
    const terms = await Promise.all(Array.from({ length: n }, (_, i) => ctx.delegate<number>('echo', i + 1)));
    return { value: terms.reduce((a, b) => a + b, 0) };
  },
  /** a synchronous loop that never yields: only terminating the worker stops it */
  spin: (_: unknown, ctx) => {
    ctx.progress('spinning');
    for (;;) {
      // busy
    }
  },
  'throw-hallmark': () => {
    throw new HallmarkError('SOME_CODE', 'a coded refusal', 'check', { n: 1 });
  },
  'throw-media': () => {
    throw new MediaFileError('FILE_SYMLINK_REFUSED', '/media/x is a symbolic link', '/media/x');
  },
  'throw-plain': () => {
    throw new TypeError('a bug');
  },
  exit: () => process.exit(3),
});

import bcrypt from 'bcryptjs';

export type PasswordTask =
  { op: 'hash'; secret: string; cost: number } | { op: 'verify'; secret: string; hash: string };

/** Runs in a piscina worker thread: bcrypt is CPU-bound and must not block the event loop. */
export default function runPasswordTask(task: PasswordTask): string | boolean {
  return task.op === 'hash'
    ? bcrypt.hashSync(task.secret, task.cost)
    : bcrypt.compareSync(task.secret, task.hash);
}
